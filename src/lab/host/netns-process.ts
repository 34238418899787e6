/**
 * A long-lived program inside a lab namespace (a pod's responder, a DNS pod's dnsmasq, a
 * lossy link's stage): started with `ip netns exec` (which execs, so the pid is the
 * program's own), placed in the pod's cgroups before it binds (when it is the pod's), up
 * once it says so, and stopped SIGTERM-then-SIGKILL.
 */
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { joinCgroups } from './cgroups.js';
import { inNetns } from './netns.js';

export interface RunningProcess {
  readonly pid: number;
  /** Resolves when the process has exited (and was reaped). */
  readonly exited: Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

export interface NetnsProcessStart<Ready> {
  readonly netns: string;
  readonly binary: string;
  readonly args: readonly string[];
  /** Whether `ready` reads stdout (the responder's `ready` line) or only stderr (dnsmasq's log). */
  readonly stdout: 'pipe' | 'ignore';
  readonly cgroupLeaves: readonly string[];
  /**
   * Resolves when the program is up, with what it said; rejects with why not. Called before
   * anything else awaits, so that output printed at once is not missed.
   */
  readonly ready: (subprocess: ResultPromise) => Promise<Ready>;
  /** The error to throw when it does not come up. */
  readonly failed: (detail: string) => Error;
}

export async function startNetnsProcess<Ready>(
  start: NetnsProcessStart<Ready>,
): Promise<RunningProcess & { readonly said: Ready }> {
  const [file, args] = inNetns(start.netns, start.binary, start.args);
  const subprocess = execa(file, args, {
    detached: true,
    cleanup: false,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stdout: start.stdout,
    stderr: 'pipe',
  });
  const pid = subprocess.pid;
  const exited = subprocess.then(
    () => undefined,
    () => undefined,
  );
  if (pid === undefined) {
    await exited;
    throw start.failed('no process');
  }
  const ready = start.ready(subprocess);
  ready.catch(() => undefined);
  try {
    await joinCgroups(start.cgroupLeaves, pid);
    const said = await ready;
    // Unreferenced, a running lab does not keep its caller's event loop alive;
    // stopping references it again so that the exit is seen.
    subprocess.unref();
    for (const stream of [subprocess.stdout, subprocess.stderr]) {
      if (stream instanceof Socket) stream.unref();
    }
    const stop = () => {
      subprocess.ref();
      return stopProcess(pid, exited);
    };
    return { pid, exited, stop, said };
  } catch (error) {
    await stopProcess(pid, exited);
    // A failure `ready` already named passes as it is; anything else is named here.
    throw error instanceof Error && error.constructor === start.failed('').constructor
      ? error
      : start.failed(String(error));
  }
}

/** SIGTERM, then SIGKILL if the process is still there after a grace period. */
export async function stopProcess(pid: number, exited: Promise<void>, graceMs = 1000): Promise<void> {
  // A process that already exited was reaped: its pid may belong to someone else now.
  const alreadyGone = await Promise.race([
    exited.then(() => true),
    new Promise<false>((resolve) => setImmediate(() => resolve(false))),
  ]);
  if (alreadyGone || !signal(pid, 'SIGTERM')) return;
  const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done && signal(pid, 'SIGKILL')) await exited;
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** The first stdout line, or the process's stderr when it exits before writing one. */
export function firstLine(subprocess: ResultPromise, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no ready line after ${timeoutMs} ms`)), timeoutMs);
    subprocess.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    subprocess.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, newline));
      }
    });
    void subprocess.then((result) => {
      clearTimeout(timer);
      reject(new Error(`exited (${result.exitCode ?? result.signal}): ${err.trim()}`));
    });
  });
}
