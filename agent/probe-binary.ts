/**
 * The netpol-probe helper: in the image it is prebuilt (`NETPOL_PROBE`); on a developer
 * machine or the lab host it is compiled on first use into
 * `${NETPOL_ASSERT_CACHE:-~/.cache/netpol-assert}/netpol-probe-<sha of source>`, so an
 * edited source is rebuilt and a cached binary is never stale.
 */
import { createHash } from 'node:crypto';
import { access, constants, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** Next to this module in a checkout; two folders up from dist/agent in a build. */
const SOURCE_CANDIDATES = ['./native/netpol-probe.c', '../../agent/native/netpol-probe.c'].map((relative) =>
  fileURLToPath(new URL(relative, import.meta.url)),
);

export class ProbeBuildFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProbeBuildFailed';
  }
}

export function probeCacheDir(): string {
  const configured = process.env.NETPOL_ASSERT_CACHE;
  return configured !== undefined && configured !== ''
    ? configured
    : join(homedir(), '.cache', 'netpol-assert');
}

const builds = new Map<string, Promise<string>>();

/** The helper to run: `NETPOL_PROBE` when set, else a cached build (built once per process). */
export function probeBinary(cacheDir: string = probeCacheDir()): Promise<string> {
  const prebuilt = process.env.NETPOL_PROBE;
  if (prebuilt !== undefined && prebuilt !== '') return Promise.resolve(prebuilt);
  let build = builds.get(cacheDir);
  if (build === undefined) {
    build = buildProbeBinary(cacheDir);
    builds.set(cacheDir, build);
    build.catch(() => builds.delete(cacheDir));
  }
  return build;
}

/** Compiles the helper unless the cache already holds this source's build; returns its path. */
export async function buildProbeBinary(cacheDir: string = probeCacheDir()): Promise<string> {
  const sourcePath = await findSource();
  const source = await readFile(sourcePath);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const target = join(cacheDir, `netpol-probe-${hash}`);
  if (await isExecutable(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    // Static when libc.a is there: smaller resident set, and it runs in any image.
    const compiled = await compile(['-O2', '-static', '-o', temporary, sourcePath]);
    if (!compiled.ok) {
      const dynamic = await compile(['-O2', '-o', temporary, sourcePath]);
      if (!dynamic.ok)
        throw new ProbeBuildFailed(`cc could not build ${sourcePath}: ${dynamic.stderr.trim()}`);
    }
    await rename(temporary, target);
  } finally {
    await rm(temporary, { force: true });
  }
  return target;
}

async function compile(args: readonly string[]): Promise<{ ok: boolean; stderr: string }> {
  const result = await execa('cc', args, { reject: false, timeout: 120_000, stdin: 'ignore' });
  if (result.failed && (result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new ProbeBuildFailed(
      'no C compiler (cc): apt-get install -y gcc, or set NETPOL_PROBE to a built helper',
    );
  }
  return { ok: !result.failed, stderr: String(result.stderr) };
}

async function findSource(): Promise<string> {
  for (const candidate of SOURCE_CANDIDATES) {
    if (await readable(candidate)) return candidate;
  }
  throw new ProbeBuildFailed(`netpol-probe.c not found (looked at ${SOURCE_CANDIDATES.join(', ')})`);
}

async function readable(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}
