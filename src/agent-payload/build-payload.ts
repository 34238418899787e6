/**
 * Builds the agent's payload, the files agent/Dockerfile copies into the image: the agent
 * bundled by esbuild into one ESM file for Node 20 (execa inside, the package
 * version embedded, so it needs no node_modules and no package.json beside it), and
 * netpol-probe linked statically with musl-gcc, so it runs on Alpine as on any Linux.
 * Each file is written under a temporary name, checked by running it, then renamed, and
 * the manifest comes last: a payload that has one is whole.
 */
import { createHash } from 'node:crypto';
import { access, chmod, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { agentPayload, BUNDLE_FILE, packageVersion, PROBE_FILE } from './payload-layout.js';
import type { AgentPayload } from './payload-layout.js';
import { payloadImages } from './payload-manifest.js';
import type { PayloadFile, PayloadManifest } from './payload-manifest.js';
import { payloadSources } from './payload-sources.js';
import { isStaticElf } from './static-elf.js';

export class PayloadBuildFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PayloadBuildFailed';
  }
}

export interface BuiltPayload {
  readonly payload: AgentPayload;
  readonly manifest: PayloadManifest;
  readonly elapsedMs: number;
}

/** The identifier esbuild replaces with the version; agent/version.ts reads it when it is defined. */
const VERSION_DEFINE = 'NETPOL_ASSERT_EMBEDDED_VERSION';
// Bundled CommonJS dependencies (cross-spawn under execa) call require() for Node's modules.
const BANNER =
  "#!/usr/bin/env node\nimport { createRequire as __npaCreateRequire } from 'node:module';\n" +
  'const require = __npaCreateRequire(import.meta.url);';

export async function buildAgentPayload(root?: string): Promise<BuiltPayload> {
  const started = Date.now();
  const payload = agentPayload(root);
  const version = packageVersion(payload.root);
  const sources = await payloadSources(payload.root, version);
  await mkdir(payload.folder, { recursive: true });
  const temporary = (file: string) => join(payload.folder, `.${process.pid}.${file}`);
  const [bundleTmp, probeTmp] = [temporary(BUNDLE_FILE), temporary(PROBE_FILE)];
  try {
    await settleAll([bundleAgent(payload.root, version, bundleTmp), compileProbe(payload.root, probeTmp)]);
    await settleAll([checkBundle(bundleTmp, version), checkProbe(probeTmp)]);
    const files = {
      [BUNDLE_FILE]: await describeFile(bundleTmp),
      [PROBE_FILE]: await describeFile(probeTmp),
    };
    await rename(bundleTmp, payload.bundle);
    await rename(probeTmp, payload.probe);
    const manifest: PayloadManifest = {
      kind: 'netpol-assert-agent-payload',
      version,
      sources: sources.hash,
      images: payloadImages(version),
      files,
    };
    const manifestTmp = temporary('payload.json');
    await writeFile(manifestTmp, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(manifestTmp, payload.manifest);
    return { payload, manifest, elapsedMs: Date.now() - started };
  } finally {
    await Promise.all([bundleTmp, probeTmp].map((file) => rm(file, { force: true })));
  }
}

async function bundleAgent(root: string, version: string, outfile: string): Promise<void> {
  const esbuild = await import('esbuild').catch((error: unknown) => {
    throw new PayloadBuildFailed('esbuild is not installed (a dev dependency: npm ci in a checkout)', {
      cause: error,
    });
  });
  await esbuild
    .build({
      absWorkingDir: root,
      entryPoints: ['agent/main.ts'],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      banner: { js: BANNER },
      define: { [VERSION_DEFINE]: JSON.stringify(version) },
      legalComments: 'inline',
      logLevel: 'silent',
    })
    .catch((error: unknown) => {
      throw new PayloadBuildFailed(`esbuild could not bundle agent/main.ts: ${messageOf(error)}`, {
        cause: error,
      });
    });
  await chmod(outfile, 0o755);
}

async function compileProbe(root: string, outfile: string): Promise<void> {
  const source = join(root, 'agent', 'native', 'netpol-probe.c');
  const headers = await kernelHeaders();
  try {
    const args = ['-static', '-O2', '-isystem', headers, '-o', outfile, source];
    const result = await execa('musl-gcc', args, { reject: false, stdin: 'ignore', timeout: 120_000 });
    if ((result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
      throw new PayloadBuildFailed(
        'musl-gcc not found: apt-get install -y musl-tools (npm run setup:lab does)',
      );
    if (result.failed)
      throw new PayloadBuildFailed(`musl-gcc could not build ${source}: ${String(result.stderr).trim()}`);
  } finally {
    await rm(headers, { recursive: true, force: true });
  }
}

/**
 * musl-gcc sees only musl's headers; netpol-probe also needs the kernel's (linux/errqueue.h).
 * Those are libc-independent, so a folder linking just linux/, asm/ and asm-generic/ from
 * Debian's linux-libc-dev gives them without glibc's headers.
 */
async function kernelHeaders(): Promise<string> {
  const multiarch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch as 'x64' | 'arm64'];
  const links: [string, string][] = [
    ['linux', '/usr/include/linux'],
    ['asm', multiarch === undefined ? '/usr/include/asm' : `/usr/include/${multiarch}/asm`],
    ['asm-generic', '/usr/include/asm-generic'],
  ];
  for (const [, target] of links) {
    await access(target).catch(() => {
      throw new PayloadBuildFailed(
        `the kernel headers are missing (${target}): apt-get install -y linux-libc-dev`,
      );
    });
  }
  const folder = await mkdtemp(join(tmpdir(), 'npa-kernel-headers-'));
  await Promise.all(links.map(([name, target]) => symlink(target, join(folder, name))));
  return folder;
}

/** The bundle runs on its own and reports the embedded version. */
async function checkBundle(bundle: string, version: string): Promise<void> {
  const result = await execa(process.execPath, [bundle, 'version'], {
    reject: false,
    cwd: '/',
    timeout: 30_000,
  });
  const reported = result.failed
    ? undefined
    : (JSON.parse(String(result.stdout)) as { version?: unknown }).version;
  if (reported !== version)
    throw new PayloadBuildFailed(
      `the bundled agent does not run as built: ${result.failed ? String(result.stderr).trim() : `version ${String(reported)}, want ${version}`}`,
    );
}

/** netpol-probe has no program interpreter (no dynamic loader) and answers --version. */
async function checkProbe(probe: string): Promise<void> {
  if (!isStaticElf(await readFile(probe)))
    throw new PayloadBuildFailed(`${probe} is not a static executable`);
  const result = await execa(probe, ['--version'], { reject: false, timeout: 10_000 });
  if (result.failed)
    throw new PayloadBuildFailed(`netpol-probe --version failed: ${String(result.stderr).trim()}`);
}

async function describeFile(path: string): Promise<PayloadFile> {
  const content = await readFile(path);
  return { bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}

/** Like Promise.all, but waits for every step: a failed one leaves no other still writing. */
async function settleAll(steps: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(steps)).find((step) => step.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
