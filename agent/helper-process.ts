/**
 * One netpol-probe inside one namespace: `nsenter --net=<file> -- netpol-probe`. Node
 * cannot setns(2), and one process per namespace (not per probe) keeps a batch of
 * thousands of probes at one fork per source.
 */
import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { formatStop, formatTasks, parseHelperLine } from './helper-lines.js';
import type { HelperLine } from './helper-lines.js';
import type { HelperJob } from './plan-helper-jobs.js';

export interface HelperCommand {
  /** The helper binary (see probe-binary.ts). */
  readonly binary: string;
  /** `nsenter` from util-linux, by default from PATH. */
  readonly nsenter?: string;
}

export type HelperEnd = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface RunningHelper {
  readonly job: HelperJob;
  /** Resolves once every capture socket is open; rejects if the helper failed first. */
  readonly ready: Promise<void>;
  /** Lets the probes start. */
  go(): void;
  /** Ends capture task `index` `graceMs` from now (after `go`; its window still bounds it). */
  stopCapture(index: number, graceMs: number): void;
  /** Resolves (never rejects) once the helper has exited. */
  readonly ended: Promise<HelperEnd>;
  stop(): void;
}

export function startHelper(
  job: HelperJob,
  command: HelperCommand,
  onResult: (line: Extract<HelperLine, { kind: 'result' }>) => void,
  timeoutMs: number,
): RunningHelper {
  const subprocess = execa(command.nsenter ?? 'nsenter', [`--net=${job.netnsPath}`, '--', command.binary], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: { stdout: false, stderr: true },
    reject: false,
    timeout: timeoutMs,
  });
  let signalReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    signalReady = resolve;
    failReady = reject;
  });
  ready.catch(() => undefined);
  const problems: string[] = [];
  const lines = createInterface({ input: subprocess.stdout });
  lines.on('line', (text) => {
    const line = parseHelperLine(text);
    switch (line.kind) {
      case 'ready':
        return signalReady();
      case 'result':
        return onResult(line);
      case 'fatal':
        problems.push(line.message);
        return;
      case 'unknown':
        problems.push(`unexpected output '${line.text}'`);
        return;
    }
  });
  const closed = new Promise<void>((resolve) => lines.once('close', resolve));
  subprocess.stdin.on('error', () => undefined); // a helper that died early closes its stdin
  subprocess.stdin.write(formatTasks(job.tasks));
  const ended = Promise.all([subprocess, closed]).then(([result]): HelperEnd => {
    const stderr = String(result.stderr ?? '').trim();
    const failed = result.failed || problems.length > 0;
    const reason = [
      ...problems,
      result.timedOut ? `timed out after ${timeoutMs} ms` : '',
      result.failed && !result.timedOut ? `exit ${result.exitCode ?? result.signal ?? '?'}` : '',
      stderr,
    ].filter((part) => part !== '');
    failReady(new Error(`netpol-probe in ${job.netnsPath}: ${reason.join('; ') || 'ended before ready'}`));
    return failed
      ? { ok: false, reason: `netpol-probe in ${job.netnsPath}: ${reason.join('; ')}` }
      : { ok: true };
  });
  return {
    job,
    ready,
    ended,
    // stdin stays open after go: `stop` lines may follow (it closes when the helper exits).
    go: () => void subprocess.stdin.write('go\n'),
    stopCapture: (index, graceMs) => {
      if (subprocess.stdin.writable) subprocess.stdin.write(formatStop(index, graceMs));
    },
    stop: () => {
      subprocess.kill('SIGKILL');
    },
  };
}
