/**
 * One responder process per pod or outside host, started inside its namespace with
 * `ip netns exec` (which execs, so the pid is the responder's own), placed in the pod's
 * cgroups before it binds, and considered up once it printed `ready`.
 */
import { execa } from 'execa';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Protocol } from '../policy/cluster.js';
import { joinCgroups } from './cgroups.js';
import { inNetns } from './netns.js';

export interface ListenPort {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface RunningResponder {
  readonly pid: number;
  /** Ports not served because the kernel lacks the protocol (SCTP), as `sctp:PORT`. */
  readonly skipped: readonly string[];
  /** Resolves when the process has exited (and was reaped). */
  readonly exited: Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

export class ResponderFailed extends Error {
  constructor(netns: string, detail: string) {
    super(`responder in ${netns} did not start: ${detail}`);
    this.name = 'ResponderFailed';
  }
}

export function listenSpec(port: ListenPort): string {
  if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
    throw new Error(`bad port ${port.port}`);
  }
  return `${port.protocol.toLowerCase()}:${port.port}`;
}

export async function startResponder(
  binary: string,
  netns: string,
  ports: readonly ListenPort[],
  cgroupLeaves: readonly string[] = [],
  readyTimeoutMs = 10_000,
): Promise<RunningResponder> {
  const specs = [...new Set(ports.map(listenSpec))];
  const [file, args] = inNetns(netns, binary, ['--serve', ...specs]);
  const subprocess = execa(file, args, {
    detached: true,
    cleanup: false,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const pid = subprocess.pid;
  const exited = subprocess.then(
    () => undefined,
    () => undefined,
  );
  if (pid === undefined) {
    await exited;
    throw new ResponderFailed(netns, 'no process');
  }
  // Listen before anything else awaits: the responder may print and close stdout at once.
  const ready = firstLine(subprocess, readyTimeoutMs);
  ready.catch(() => undefined);
  try {
    await joinCgroups(cgroupLeaves, pid);
    const line = await ready;
    if (!line.startsWith('ready')) throw new ResponderFailed(netns, line);
    // Unreferenced, a running lab does not keep its caller's event loop alive;
    // stopping references it again so that the exit is seen.
    subprocess.unref();
    const skipped = line.split(' ').slice(2);
    const stop = () => {
      subprocess.ref();
      return stopProcess(pid, exited);
    };
    return { pid, skipped, exited, stop };
  } catch (error) {
    await stopProcess(pid, exited);
    throw error instanceof ResponderFailed ? error : new ResponderFailed(netns, String(error));
  }
}

/** The first stdout line, or the process's stderr when it exits before writing one. */
function firstLine(subprocess: ReturnType<typeof execa>, timeoutMs: number): Promise<string> {
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
