/**
 * What the live benches share: the CLI run in this process as `netpol-assert ARGS`, with
 * its JSON report, wall and CPU time, how busy the machine was, and its log lines
 * timestamped (the per-step breakdown); and the checks that a timed run really passed.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { main } from '../src/cli/main.js';
import type { JsonReport } from '../src/report/json.js';

export interface CliRun {
  readonly exitCode: number;
  readonly report: JsonReport;
  readonly wallMs: number;
  /** CPU time of this process (the runner) during the invocation. */
  readonly cpuMs: number;
  /** How busy the whole machine was meanwhile, 0 to 1: other load stretches every step. */
  readonly machineBusy: number;
  /** stderr lines, each prefixed with the milliseconds since the invocation started. */
  readonly log: readonly string[];
  /** The largest resident set of this process seen while the command ran (sampled every 20 ms), in MB. */
  readonly peakRssMb: number;
}

export interface CliOptions {
  /**
   * Read the JSON report from this file (give `--json FILE` in the arguments) and throw
   * stdout away, as a terminal would show it: a report held whole in memory or parsed
   * back is the bench's, not the runner's, so it stays out of the runner's peak.
   */
  readonly jsonFile?: string;
}

/** The CLI in this process, as `netpol-assert ARGS` would run it, with stdout and stderr captured. */
export async function cli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stdoutBytes = 0;
  const log: string[] = [];
  const cpuBefore = process.cpuUsage();
  const machineBefore = await machineTicks();
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
  const start = performance.now();
  const exitCode = await main(args, {
    stdout: {
      write: (text: string) => {
        stdoutBytes += text.length;
        if (options.jsonFile === undefined) stdout += text;
      },
    },
    stderr: {
      write: (text: string) => {
        const at = (performance.now() - start).toFixed(0).padStart(5);
        for (const line of text.trimEnd().split('\n')) log.push(`${at}  ${line}`);
      },
    },
    isTTY: false,
    cwd: process.cwd(),
  });
  const wallMs = performance.now() - start;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = await machineTicks();
  const machineBusy =
    (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total);
  if (stdoutBytes === 0)
    throw new Error(`netpol-assert ${args.join(' ')}: exit ${exitCode}\n${log.join('\n')}`);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const text = options.jsonFile === undefined ? stdout : await readFile(options.jsonFile, 'utf8');
  const report = JSON.parse(text) as JsonReport;
  return { exitCode, report, wallMs, cpuMs, machineBusy, log, peakRssMb: peakRss / 1024 / 1024 };
}

/** CPU time of the whole machine so far, in clock ticks: /proc/stat's first line, user to steal (guest time is in user). */
async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

export function checkRun(what: string, run: CliRun, pairs: number): void {
  const counts = pairCounts(run.report);
  if (run.exitCode === 0 && counts.total === pairs && counts.failing === 0) return;
  const bad = run.report.suites
    .flatMap((s) => s.assertions)
    .flatMap((a) =>
      a.pairs.filter((p) => p.outcome !== 'pass').map((p) => `${a.name}: ${JSON.stringify(p)}`),
    );
  throw new Error(
    `${what} did not pass: exit ${run.exitCode}, ${counts.total} of ${pairs} pairs, ${counts.failing} not passing\n` +
      `${bad.slice(0, 5).join('\n')}\n${run.log.join('\n')}`,
  );
}

export function pairCounts(report: JsonReport): {
  total: number;
  allow: number;
  deny: number;
  failing: number;
} {
  const pairs = report.suites.flatMap((s) => s.assertions).flatMap((a) => a.pairs);
  return {
    total: pairs.length,
    allow: pairs.filter((p) => p.expected === 'allow').length,
    deny: pairs.filter((p) => p.expected === 'deny').length,
    failing: pairs.filter((p) => p.outcome !== 'pass').length,
  };
}
