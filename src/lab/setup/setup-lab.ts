/**
 * `npm run setup:lab`, step by step, one line each: the Debian packages, the official
 * Kubernetes binaries (or, where they cannot be downloaded, Debian's 1.20.2 built from
 * source), and the agent payload. Every step is skipped when its result is already there,
 * so a second run needs no network.
 */
import { readFile, rm, symlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import {
  binaryCacheDir,
  cacheRoot,
  DEBIAN_KUBERNETES_VERSION,
  isCompleteBinaryCache,
  KUBERNETES_BINARY_NAMES,
  RELEASE_KUBERNETES_VERSION,
} from '../control-plane/index.js';
import { isExecutable } from '../host/index.js';
import { buildDebianKubernetes, isCurrentDebianBuild } from './debian-source-build.js';
import { downloadReleaseBinaries, releaseArch } from './download-release-binaries.js';
import { AptSession, LAB_PACKAGES } from './system-packages.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface SetupLabOptions {
  /** Where the official binaries are downloaded from (dl.k8s.io's layout). */
  readonly baseUrl: string;
  readonly env: Env;
  /** The checkout whose package.json may define `build:agent`. */
  readonly repositoryRoot: string;
  readonly say: (line: string) => void;
  readonly isRoot: boolean;
}

/** 0: the lab can run; 1: a step failed; 3: not root. */
export type SetupLabExit = 0 | 1 | 3;

export const NOT_ROOT_MESSAGE =
  'this needs root: it installs Debian packages with apt-get and, where the download fails, ' +
  "adds Debian's source repository. Run it as root (e.g. sudo npm run setup:lab). " +
  'Offline use needs none of this: predict, explain, generate --state and recipes list|show work without it; ' +
  'skip this step if that is all you need.';

export async function setupLab(options: SetupLabOptions): Promise<SetupLabExit> {
  const { say } = options;
  if (!options.isRoot) {
    say(NOT_ROOT_MESSAGE);
    return 3;
  }
  const apt = new AptSession();
  try {
    await installPackages(apt, say);
    const release = await installRelease(options);
    if (release !== undefined) {
      say(`3/4 Kubernetes ${DEBIAN_KUBERNETES_VERSION}, built from Debian's source package: not needed`);
    }
    const kubernetes = release ?? (await installDebianBuild(apt, options));
    await buildAgentPayload(options);
    say(`done: the lab runs Kubernetes ${kubernetes.version} from ${kubernetes.binDir}`);
    return 0;
  } catch (error) {
    say(`setup:lab failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

interface InstalledKubernetes {
  readonly version: string;
  readonly binDir: string;
}

async function installPackages(apt: AptSession, say: (line: string) => void): Promise<void> {
  say(`1/4 Debian packages: ${LAB_PACKAGES.map((pkg) => pkg.name).join(' ')}`);
  const installed = await apt.installMissing(LAB_PACKAGES.map((pkg) => pkg.name));
  say(installed.length === 0 ? '    all installed already' : `    installed ${installed.join(' ')}`);
}

/** The official binaries, downloaded once; undefined where that is impossible (no network, no such architecture). */
async function installRelease(options: SetupLabOptions): Promise<InstalledKubernetes | undefined> {
  const version = RELEASE_KUBERNETES_VERSION;
  const binDir = binaryCacheDir(options.env, version);
  const step = `2/4 Kubernetes ${version}, official binaries`;
  if (await isCompleteBinaryCache(binDir)) {
    options.say(`${step}: cached in ${binDir}`);
  } else {
    const arch = releaseArch();
    if (arch === undefined) {
      options.say(
        `${step}: none published for ${process.arch}; falling back to Debian's ${DEBIAN_KUBERNETES_VERSION}`,
      );
      return undefined;
    }
    options.say(`${step}: downloading from ${options.baseUrl} into ${binDir}`);
    try {
      await downloadReleaseBinaries({
        version,
        arch,
        baseUrl: options.baseUrl,
        binDir,
        names: KUBERNETES_BINARY_NAMES,
        progress: (line) => options.say(`    ${line}`),
      });
    } catch (error) {
      options.say(`    download failed: ${error instanceof Error ? error.message : String(error)}`);
      options.say(`    falling back to Debian's Kubernetes ${DEBIAN_KUBERNETES_VERSION}`);
      return undefined;
    }
    options.say('    every file matched its published sha256');
  }
  await linkEtcd(binDir, options.env);
  return { version, binDir };
}

async function installDebianBuild(apt: AptSession, options: SetupLabOptions): Promise<InstalledKubernetes> {
  const version = DEBIAN_KUBERNETES_VERSION;
  const binDir = binaryCacheDir(options.env, version);
  const step = `3/4 Kubernetes ${version}, built from Debian's source package`;
  const complete = await isCompleteBinaryCache(binDir);
  if (complete && (await isCurrentDebianBuild(binDir))) {
    options.say(`${step}: cached in ${binDir}`);
  } else {
    const why = complete ? ', again: the cached build predates the reflect2 patch' : '';
    options.say(`${step}: building into ${binDir}${why} (about 5 minutes on 2 cores)`);
    await buildDebianKubernetes({
      binDir,
      buildDir: join(cacheRoot(options.env), `k8s-${version}`, 'build'),
      names: KUBERNETES_BINARY_NAMES,
      apt,
      progress: (line) => options.say(`    ${line}`),
    });
    options.say(`    built ${KUBERNETES_BINARY_NAMES.join(' ')}`);
  }
  await linkEtcd(binDir, options.env);
  return { version, binDir };
}

/** `npm run build:agent`, where the checkout defines it: the payload the lab runs as the agent. */
async function buildAgentPayload(options: SetupLabOptions): Promise<void> {
  const manifest: unknown = JSON.parse(await readFile(join(options.repositoryRoot, 'package.json'), 'utf8'));
  const scripts =
    typeof manifest === 'object' && manifest !== null && 'scripts' in manifest ? manifest.scripts : {};
  if (typeof scripts !== 'object' || scripts === null || !('build:agent' in scripts)) {
    options.say('4/4 the agent payload: skipped (package.json has no build:agent script)');
    return;
  }
  options.say('4/4 the agent payload: npm run build:agent');
  const result = await execa('npm', ['run', '--silent', 'build:agent'], {
    cwd: options.repositoryRoot,
    stdin: 'ignore',
    stdout: 'inherit',
    stderr: 'inherit',
    reject: false,
  });
  if (result.failed) throw new Error(`npm run build:agent failed (exit ${result.exitCode ?? '?'})`);
}

/** etcd beside the Kubernetes binaries, so that one folder (KUBEBUILDER_ASSETS) holds the whole control plane. */
async function linkEtcd(binDir: string, env: Env): Promise<void> {
  const link = join(binDir, 'etcd');
  const folders = (env.PATH ?? '').split(delimiter).filter((folder) => folder !== '' && folder !== binDir);
  for (const folder of [...folders, '/usr/bin']) {
    const etcd = join(folder, 'etcd');
    if (!(await isExecutable(etcd))) continue;
    await rm(link, { force: true });
    await symlink(etcd, link);
    return;
  }
  throw new Error(`no etcd on PATH or in /usr/bin (Debian's etcd-server package provides it)`);
}
