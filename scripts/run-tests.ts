/**
 * `npm run test:unit`, `npm run test:lab`, `npm run test:e2e`, and unit and lab for `npm test`:
 *
 *   node --import tsx scripts/run-tests.ts unit|lab|e2e|all [test files...]
 *
 * `e2e` is the part of `lab` that runs the command line against real labs (test/e2e),
 * once per cached Kubernetes version, as `lab` runs it.
 *
 * Tests that need a running control plane (CONTROL_PLANE_TESTS) run once per Kubernetes
 * version in the cache `npm run setup:lab` fills, with KUBEBUILDER_ASSETS set to that
 * version's bin folder; every other test runs once. Where 1.28.7 is not cached but
 * `../shared/k8s/v1.28.7/linux-amd64` sits beside the checkout, it is installed into the
 * cache first, through the project's own download code, from a loopback release server.
 *
 * Each group is one `node --test` run (spec output on the console, TAP into a file for
 * the counts). The end is the combined count as TAP summary lines and one line
 * `N passed, N failed`; the exit code is 1 if any run failed.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import {
  binaryCacheDir,
  CACHED_KUBERNETES_VERSIONS,
  isCompleteBinaryCache,
  KUBERNETES_BINARY_NAMES,
} from '../src/lab/control-plane/index.js';
import type { CachedKubernetesVersion } from '../src/lab/control-plane/index.js';
import { downloadReleaseBinaries, releaseArch } from '../src/lab/setup/index.js';
import { serveRelease } from '../test/lab/setup/release-server.js';
import {
  hasSharedRelease,
  SHARED_RELEASE_ARCH,
  SHARED_RELEASE_VERSION,
  sharedReleaseDir,
  unpackSharedRelease,
} from '../test/lab/setup/shared-release.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Files (or folders, ending in /) whose tests bring up a lab with a running control plane. */
const CONTROL_PLANE_TESTS = [
  'test/e2e/',
  'test/recipes/recipes-lab.test.ts',
  'test/lab/control-plane.test.ts',
  'test/lab/without-scheduler.test.ts',
  'test/lab/pod-security.test.ts',
  'test/action/action-lab.test.ts',
];

/** The lab's data plane and its failure paths: root, namespaces and nftables, but no API server. */
const isLabTest = (file: string): boolean =>
  /^test\/lab\/[^/]+\.test\.ts$/.test(file) || CONTROL_PLANE_TESTS.some((entry) => file.startsWith(entry));
const needsControlPlane = (file: string): boolean =>
  CONTROL_PLANE_TESTS.some((entry) => file.startsWith(entry));
const isEndToEndTest = (file: string): boolean => file.startsWith('test/e2e/');

/** What went wrong outside the test runs (they count their own failures); any of it fails the whole. */
const problems: string[] = [];

interface Counts {
  tests: number;
  pass: number;
  fail: number;
  cancelled: number;
  skipped: number;
  todo: number;
}
const COUNT_NAMES = ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo'] as const;

interface Run {
  readonly title: string;
  readonly files: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

async function main(argv: readonly string[]): Promise<number> {
  const [group = 'all', ...named] = argv;
  if (group !== 'unit' && group !== 'lab' && group !== 'e2e' && group !== 'all') {
    process.stderr.write('usage: node --import tsx scripts/run-tests.ts unit|lab|e2e|all [test files...]\n');
    return 2;
  }
  const files =
    named.length > 0 ? named.map((file) => relative(root, resolve(root, file))) : await testFiles();
  const runs: Run[] = [];
  if (group === 'e2e') runs.push(...(await perVersionRuns(files.filter(isEndToEndTest))));
  if (group === 'unit' || group === 'all')
    runs.push({ title: 'unit tests', files: files.filter((file) => !isLabTest(file)) });
  if (group === 'lab' || group === 'all') {
    runs.push({
      title: 'lab tests that need no control plane',
      files: files.filter((file) => isLabTest(file) && !needsControlPlane(file)),
    });
    runs.push(...(await perVersionRuns(files.filter(needsControlPlane))));
  }
  const total: Counts = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
  let failedRuns = 0;
  for (const run of runs) {
    if (run.files.length === 0) continue;
    const { counts, ok } = await nodeTest(run);
    for (const name of COUNT_NAMES) total[name] += counts[name];
    if (!ok) failedRuns += 1;
  }
  process.stdout.write('\n== all runs\n');
  for (const name of COUNT_NAMES) process.stdout.write(`# ${name} ${total[name]}\n`);
  for (const problem of problems) process.stdout.write(`# problem: ${problem}\n`);
  const failed = total.fail + total.cancelled;
  process.stdout.write(`${total.pass} passed, ${failed} failed\n`);
  return failed > 0 || failedRuns > 0 || problems.length > 0 ? 1 : 0;
}

async function testFiles(): Promise<string[]> {
  const entries = await readdir(join(root, 'test'), { recursive: true });
  return entries
    .filter((entry) => entry.endsWith('.test.ts'))
    .map((entry) => join('test', entry))
    .sort();
}

/** One run per Kubernetes version in the cache; without any, one run that lets the tests say what is missing. */
async function perVersionRuns(files: readonly string[]): Promise<Run[]> {
  if (files.length === 0) return [];
  const runs: Run[] = [];
  for (const version of CACHED_KUBERNETES_VERSIONS) {
    const binDir = binaryCacheDir(process.env, version);
    const why = await unavailable(version, binDir);
    if (why !== undefined) {
      process.stdout.write(`lab tests against Kubernetes ${version} skipped: ${why}\n`);
      continue;
    }
    process.stdout.write(`lab tests against Kubernetes ${version} (cache ${binDir})\n`);
    runs.push({
      title: `lab tests against Kubernetes ${version} (cache ${binDir})`,
      files,
      env: { KUBEBUILDER_ASSETS: binDir },
    });
  }
  if (runs.length === 0) {
    process.stdout.write(
      'no Kubernetes version is cached: the control-plane tests run once, as the lab finds them\n',
    );
    runs.push({ title: 'lab tests against whatever Kubernetes the lab finds', files });
  }
  return runs;
}

/** Why `version` cannot be tested (undefined: it can), installing 1.28.7 from ../shared first where possible. */
async function unavailable(version: CachedKubernetesVersion, binDir: string): Promise<string | undefined> {
  if (await isCompleteBinaryCache(binDir)) return undefined;
  const missing = `${binDir} lacks ${KUBERNETES_BINARY_NAMES.join(', ')}`;
  if (version !== SHARED_RELEASE_VERSION) {
    return `${missing} (npm run setup:lab builds Debian's ${version} where the download fails)`;
  }
  if (releaseArch() !== SHARED_RELEASE_ARCH || !(await hasSharedRelease())) {
    return `${missing} (npm run setup:lab downloads it)`;
  }
  try {
    await installSharedRelease(binDir);
    return undefined;
  } catch (error) {
    problems.push(`installing Kubernetes ${version} from ${relative(root, sharedReleaseDir)} failed`);
    return `installing it from ${relative(root, sharedReleaseDir)} failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function installSharedRelease(binDir: string): Promise<void> {
  const unpacked = await mkdtemp(join(tmpdir(), 'netpol-assert-release-'));
  try {
    const server = await serveRelease(
      SHARED_RELEASE_VERSION,
      SHARED_RELEASE_ARCH,
      await unpackSharedRelease(unpacked),
    );
    process.stdout.write(
      `Kubernetes ${SHARED_RELEASE_VERSION} is not cached: installing it from ${relative(root, sharedReleaseDir)} ` +
        `through a loopback release server (${server.baseUrl})\n`,
    );
    try {
      await downloadReleaseBinaries({
        version: SHARED_RELEASE_VERSION,
        arch: SHARED_RELEASE_ARCH,
        baseUrl: server.baseUrl,
        binDir,
        names: KUBERNETES_BINARY_NAMES,
        progress: (line) => process.stdout.write(`  ${line}\n`),
      });
    } finally {
      await server.close();
    }
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}

async function nodeTest(run: Run): Promise<{ counts: Counts; ok: boolean }> {
  process.stdout.write(`\n== ${run.title}: ${run.files.length} files\n`);
  const tapDir = await mkdtemp(join(tmpdir(), 'netpol-assert-tap-'));
  const tapFile = join(tapDir, 'run.tap');
  try {
    const result = await execa(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tapFile}`,
        ...run.files,
      ],
      { cwd: root, env: run.env ?? {}, stdin: 'ignore', stdout: 'inherit', stderr: 'inherit', reject: false },
    );
    const counts = summaryOf(await readFile(tapFile, 'utf8').catch(() => ''));
    process.stdout.write(
      `== ${run.title}: ${counts.pass} passed, ${counts.fail + counts.cancelled} failed\n`,
    );
    return { counts, ok: result.exitCode === 0 };
  } finally {
    await rm(tapDir, { recursive: true, force: true });
  }
}

/** The run's closing `# pass N` (and friends) lines, at the start of a line, not a subtest's. */
function summaryOf(tap: string): Counts {
  const counts: Counts = { tests: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
  for (const name of COUNT_NAMES) {
    const matches = [...tap.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))];
    counts[name] = Number(matches.at(-1)?.[1] ?? 0);
  }
  return counts;
}

process.exitCode = await main(process.argv.slice(2));
