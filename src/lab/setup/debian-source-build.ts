/**
 * The fallback where the official binaries cannot be downloaded: kube-apiserver,
 * kube-controller-manager and kube-scheduler built from Debian bookworm's own `kubernetes`
 * source package (1.20.2). It carries its vendor tree, so the build needs no network
 * beyond apt. About 5 minutes on 2 cores; the unpacked source and the build stay in
 * `<cache>/k8s-1.20.2/build` for a later run. Its vendored reflect2 is patched for the Go
 * that builds it (reflect2-go118-patch.ts); `<bin>/.debian-build` records the recipe, so
 * a cache built before a patch was added is built again.
 */
import {
  chmod,
  copyFile,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCommand } from '../host/index.js';
import { patchReflect2ForGo118 } from './reflect2-go118-patch.js';
import type { AptSession } from './system-packages.js';

export interface DebianBuildOptions {
  readonly binDir: string;
  /** Where the source is unpacked and built. */
  readonly buildDir: string;
  readonly names: readonly string[];
  readonly apt: AptSession;
  readonly progress: (line: string) => void;
}

const BUILD_PACKAGES = ['dpkg-dev', 'make', 'golang-go', 'rsync', 'jq'];
/** What the build does beyond Debian's source; a cache recording another recipe is rebuilt. */
const BUILD_RECIPE = 'debian-source+reflect2-go118';
const RECIPE_FILE = '.debian-build';

/** Whether the binaries in `binDir` were built by this recipe. */
export async function isCurrentDebianBuild(binDir: string): Promise<boolean> {
  const recorded = await readFile(join(binDir, RECIPE_FILE), 'utf8').catch(() => '');
  return recorded.trim() === BUILD_RECIPE;
}
const DEB_SRC_FILE = '/etc/apt/sources.list.d/netpol-assert-src.sources';
const DEB_SRC = `Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

export async function buildDebianKubernetes(options: DebianBuildOptions): Promise<void> {
  const { buildDir, progress } = options;
  await mkdir(buildDir, { recursive: true });
  let source = await unpackedSource(buildDir);
  if (source === undefined) {
    if (!(await hasDebSrc())) {
      progress(`adding bookworm's deb-src to apt (${DEB_SRC_FILE})`);
      await mkdir('/etc/apt/sources.list.d', { recursive: true });
      await writeAtomically(DEB_SRC_FILE, DEB_SRC);
      options.apt.sourcesChanged();
    }
    await installBuildPackages(options);
    await options.apt.update();
    progress('apt-get source kubernetes');
    await runCommand('apt-get', ['source', '-qq', 'kubernetes'], { cwd: buildDir, timeoutMs: 30 * 60_000 });
    source = await unpackedSource(buildDir);
    if (source === undefined) throw new Error(`apt-get source kubernetes unpacked nothing into ${buildDir}`);
  }
  await installBuildPackages(options);
  if (await patchReflect2ForGo118(source)) progress('patched the vendored reflect2 for Go 1.18 and later');
  await make(source, options);
  await mkdir(options.binDir, { recursive: true });
  for (const name of options.names) {
    const built = await findBuilt(join(source, '_output'), name);
    if (built === undefined)
      throw new Error(`the build produced no ${name} under ${join(source, '_output')}`);
    await copyAtomically(built, join(options.binDir, name));
  }
  await writeAtomically(join(options.binDir, RECIPE_FILE), `${BUILD_RECIPE}\n`);
}

async function installBuildPackages(options: DebianBuildOptions): Promise<void> {
  const installed = await options.apt.installMissing(BUILD_PACKAGES);
  if (installed.length > 0) options.progress(`apt-get install ${installed.join(' ')}`);
}

/** `kubernetes-1.20.2/` or similar, once `apt-get source` has run. */
async function unpackedSource(buildDir: string): Promise<string | undefined> {
  const entries = await readdir(buildDir, { withFileTypes: true });
  const folder = entries.find((entry) => entry.isDirectory() && entry.name.startsWith('kubernetes-'));
  return folder === undefined ? undefined : join(buildDir, folder.name);
}

async function hasDebSrc(): Promise<boolean> {
  const lists = await readdir('/etc/apt/sources.list.d').catch(() => []);
  const texts = await Promise.all(
    ['/etc/apt/sources.list', ...lists.map((name) => join('/etc/apt/sources.list.d', name))].map((path) =>
      readFile(path, 'utf8').catch(() => ''),
    ),
  );
  return texts.some((text) => /^Types:.*deb-src/m.test(text) || /^deb-src\s/m.test(text));
}

/** The upstream build in GOPATH mode with the vendor tree, as Debian's own rules build it. */
async function make(source: string, options: DebianBuildOptions): Promise<void> {
  const gopath = join(options.buildDir, '.go');
  const inGopath = join(gopath, 'src', 'k8s.io', 'kubernetes');
  await mkdir(join(gopath, 'src', 'k8s.io'), { recursive: true });
  await rm(inGopath, { force: true });
  await symlink(source, inGopath);
  const logPath = join(options.buildDir, 'build.log');
  options.progress(`make ${options.names.join(' ')} (several minutes; log: ${logPath})`);
  await writeFile(logPath, '');
  // Both streams append to one log, in the order the build writes them.
  const result = await execa('make', [`WHAT=${options.names.map((name) => `cmd/${name}`).join(' ')}`], {
    cwd: inGopath,
    env: { GOPATH: gopath, GO111MODULE: 'off', CGO_ENABLED: '0', GOFLAGS: '-mod=vendor' },
    stdin: 'ignore',
    stdout: { file: logPath, append: true },
    stderr: { file: logPath, append: true },
    reject: false,
    timeout: 90 * 60_000,
  });
  if (result.failed) {
    const tail = (await readFile(logPath, 'utf8')).split('\n').slice(-40).join('\n');
    throw new Error(`the build failed (exit ${result.exitCode ?? '?'}); the end of ${logPath}:\n${tail}`);
  }
}

/** The first executable file called `name` under `folder`. */
async function findBuilt(folder: string, name: string): Promise<string | undefined> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (entry.name !== name || !entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (((await stat(path)).mode & 0o100) !== 0) return path;
  }
  return undefined;
}

async function copyAtomically(from: string, to: string): Promise<void> {
  const partial = `${to}.partial-${process.pid}`;
  await copyFile(from, partial);
  await chmod(partial, 0o755);
  await rename(partial, to);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  const file = await open(partial, 'w', 0o644);
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
  await rename(partial, path);
}
