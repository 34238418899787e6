/**
 * The batch's one netpol-probe, holding every namespace's tasks: it enters each namespace
 * itself (setns) to make the sockets there. Node cannot setns(2); one helper per batch
 * (not one per namespace, nor per probe) keeps a node's thousands of probes in dozens of
 * pods at one process start, where an nsenter and a helper per pod cost a fork and two
 * execs each.
 */
import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { formatNamespacedTasks, formatStop, parseHelperLine } from './helper-lines.js';
import type { HelperLine } from './helper-lines.js';
import type { HelperJob } from './plan-helper-jobs.js';

export interface HelperCommand {
  /** The helper binary (see probe-binary.ts). */
  readonly binary: string;
}

export type HelperEnd = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface HelperEvents {
  readonly onResult: (line: Extract<HelperLine, { kind: 'result' }>) => void;
  /** A job's namespace could not be entered: none of its tasks ran. */
  readonly onJobFailed: (job: HelperJob, reason: string) => void;
}

export interface RunningHelper {
  /** One per namespace, in the order the helper was given them. */
  readonly jobs: readonly HelperJob[];
  /** Resolves once every capture socket is open; rejects if the helper failed first. */
  readonly ready: Promise<void>;
  /** Lets the probes start; a helper still running `timeoutMs` later is stuck and killed. */
  go(timeoutMs: number): void;
  /** Ends capture task `index` `graceMs` from now (after `go`; its window still bounds it). */
  stopCapture(index: number, graceMs: number): void;
  /** Resolves (never rejects) once the helper has exited. */
  readonly ended: Promise<HelperEnd>;
  stop(): void;
}

export function startHelper(
  jobs: readonly HelperJob[],
  command: HelperCommand,
  events: HelperEvents,
): RunningHelper {
  const subprocess = execa(command.binary, [], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: { stdout: false, stderr: true },
    reject: false,
  });
  let signalReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    signalReady = resolve;
    failReady = reject;
  });
  ready.catch(() => undefined);
  const problems: string[] = [];
  let killTimer: NodeJS.Timeout | undefined;
  let timedOutAfter: number | undefined;
  let exited = false;
  const lines = createInterface({ input: subprocess.stdout });
  lines.on('line', (text) => {
    const line = parseHelperLine(text);
    switch (line.kind) {
      case 'ready':
        return signalReady();
      case 'result':
        return events.onResult(line);
      case 'netns-failed': {
        const job = jobs[line.netns];
        if (job === undefined) problems.push(`unexpected output '${text}'`);
        else events.onJobFailed(job, `cannot enter the network namespace ${job.netnsPath}: ${line.detail}`);
        return;
      }
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
  subprocess.stdin.write(formatNamespacedTasks(jobs));
  const ended = Promise.all([subprocess, closed]).then(([result]): HelperEnd => {
    exited = true;
    clearTimeout(killTimer);
    const stderr = String(result.stderr ?? '').trim();
    const failed = result.failed || problems.length > 0;
    const reason = [
      ...problems,
      timedOutAfter === undefined ? '' : `timed out ${timedOutAfter} ms after the probes started`,
      result.failed && timedOutAfter === undefined ? `exit ${result.exitCode ?? result.signal ?? '?'}` : '',
      stderr,
    ].filter((part) => part !== '');
    failReady(new Error(`netpol-probe: ${reason.join('; ') || 'ended before ready'}`));
    return failed ? { ok: false, reason: `netpol-probe: ${reason.join('; ')}` } : { ok: true };
  });
  return {
    jobs,
    ready,
    ended,
    // stdin stays open after go: `stop` lines may follow (it closes when the helper exits).
    go: (timeoutMs) => {
      if (exited) return;
      subprocess.stdin.write('go\n');
      // Counted from go, not from the start: on a busy node the wait for ready is the ready timeout's.
      killTimer = setTimeout(() => {
        timedOutAfter = timeoutMs;
        subprocess.kill('SIGKILL');
      }, timeoutMs);
    },
    stopCapture: (index, graceMs) => {
      if (subprocess.stdin.writable) subprocess.stdin.write(formatStop(index, graceMs));
    },
    stop: () => {
      subprocess.kill('SIGKILL');
    },
  };
}
