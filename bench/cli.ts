/**
 * bench/cli: how long the command line takes, from the built package as installed, for
 * the README's offline quick start `predict suites/ --state suites/manifests` (target
 * under 300 ms), with `--version`, `--help` and a bare `node` as floors.
 *   1. builds dist/ first when its CLI bundle is missing or older than a source file
 *   2. lays the package out as npm installs it (bin/, dist/, package.json; no src/), so
 *      bin/netpol-assert.js takes its installed path: the bundle in dist/bundle/cli/, not
 *      the sources through tsx
 *   3. runs each command once to warm the file cache, then --runs times (default 10),
 *      and prints median, min and max wall time; predict must pass, or nothing is timed
 *   node --import tsx bench/cli.ts [--runs 10]
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const ROOT = new URL('../', import.meta.url).pathname;
const TARGET_MS = 300;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const runs = Math.max(1, Math.floor(Number(values.runs)) || 10);

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Checks the output: a run that does the wrong thing measures nothing. */
  readonly check: (stdout: string) => boolean;
  readonly targetMs?: number;
}

await buildIfStale();
const installed = await mkdtemp(join(tmpdir(), 'npa-bench-cli-'));
try {
  const bin = await installedLayout(installed);
  const predict = ['predict', join(ROOT, 'suites/'), '--state', join(ROOT, 'suites/manifests')];
  const cases: readonly Case[] = [
    { name: 'node -e 0 (Node.js itself)', args: ['-e', '0'], check: () => true },
    { name: 'netpol-assert --version', args: [bin, '--version'], check: (out) => /^\d+\.\d+\.\d+/.test(out) },
    { name: 'netpol-assert --help', args: [bin, '--help'], check: (out) => out.includes('predict') },
    {
      name: 'netpol-assert predict suites/ --state suites/manifests',
      args: [bin, ...predict],
      check: (out) => /^# 24 passed of 24 assertions/m.test(out),
      targetMs: TARGET_MS,
    },
  ];
  console.log(
    `bench/cli: ${runs} timed runs each after one warm-up, from ${installed} (the package as installed); ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(2)}`,
  );
  for (const benchCase of cases) {
    const times = await timeRuns(benchCase, installed);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `${benchCase.name.padEnd(56)} median ${ms(median(sorted))}  min ${ms(sorted[0])}  max ${ms(sorted.at(-1))}`,
    );
    if (benchCase.targetMs !== undefined) {
      const verdict = median(sorted) < benchCase.targetMs ? 'within' : 'OVER';
      console.log(`  median ${verdict} the target of ${benchCase.targetMs} ms`);
    }
  }
  console.log(`load average afterwards ${loadavg()[0]?.toFixed(2)}`);
} finally {
  await rm(installed, { recursive: true, force: true });
}

async function timeRuns(benchCase: Case, cwd: string): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const start = performance.now();
    const result = await execa('node', [...benchCase.args], { cwd, reject: false });
    const elapsed = performance.now() - start;
    if (result.exitCode !== 0 || !benchCase.check(result.stdout)) {
      throw new Error(
        `${benchCase.name} did not do its job (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`,
      );
    }
    // Run 0 warms the file cache and is not counted.
    if (run > 0) times.push(elapsed);
  }
  return times;
}

/**
 * The files npm installs (package.json, bin/, dist/) without src/, so the bin script
 * imports dist/ as it does in an installed package. dist/ is a link: modules resolve
 * through their real path, so node_modules, schemas and recipes are the checkout's.
 */
async function installedLayout(into: string): Promise<string> {
  await mkdir(join(into, 'bin'));
  await copyFile(join(ROOT, 'package.json'), join(into, 'package.json'));
  await copyFile(join(ROOT, 'bin/netpol-assert.js'), join(into, 'bin/netpol-assert.js'));
  await symlink(join(ROOT, 'dist'), join(into, 'dist'));
  return join(into, 'bin/netpol-assert.js');
}

/** `npm run build` when dist/ is missing or older than a source file: timing stale code measures nothing. */
async function buildIfStale(): Promise<void> {
  const built = await stat(join(ROOT, 'dist/bundle/cli/netpol-assert.js')).catch(() => undefined);
  const newest = await newestMtime(join(ROOT, 'src'));
  if (built !== undefined && built.mtimeMs >= newest) return;
  console.log('bench/cli: dist/ is missing or older than src/; running npm run build');
  await execa('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

async function newestMtime(folder: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function ms(value: number | undefined): string {
  return `${(value ?? 0).toFixed(0).padStart(5)} ms`;
}
