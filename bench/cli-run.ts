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
}

/** The CLI in this process, as `netpol-assert ARGS` would run it, with stdout and stderr captured. */
export async function cli(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  const log: string[] = [];
  const cpuBefore = process.cpuUsage();
  const machineBefore = await machineTicks();
  const start = performance.now();
  const exitCode = await main(args, {
    stdout: { write: (text: string) => (stdout += text) },
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
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = await machineTicks();
  const machineBusy =
    (machineAfter.busy - machineBefore.busy) / Math.max(1, machineAfter.total - machineBefore.total);
  if (stdout.trim() === '')
    throw new Error(`netpol-assert ${args.join(' ')}: exit ${exitCode}\n${log.join('\n')}`);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { exitCode, report: JSON.parse(stdout) as JsonReport, wallMs, cpuMs, machineBusy, log };
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
