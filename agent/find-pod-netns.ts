/**
 * A pod's network namespace from its UID, by scanning /proc/<pid>/cgroup: no crictl and
 * no runtime socket, so containerd, CRI-O and Docker nodes all work the same. Needs the
 * host's /proc (hostPID) and, to open other users' namespace files, CAP_SYS_PTRACE.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizePodUid, podOfCgroupFile } from './cgroup-pod.js';
import type { PodCgroup } from './cgroup-pod.js';

export interface PodProcess {
  readonly pid: number;
  /** /proc/<pid>/comm: `pause` for the sandbox. */
  readonly command: string;
  readonly cgroup: PodCgroup;
}

export interface ScanOptions {
  /** Where /proc is: a fake tree in tests. */
  readonly procRoot: string;
  /** The agent itself and its helpers: never a pod's process even when they share its cgroup. */
  readonly skipPids?: readonly number[];
}

/** Every process that lives in some pod's cgroup, by normalized pod UID. One pass over /proc. */
export async function scanPodProcesses(options: ScanOptions): Promise<Map<string, PodProcess[]>> {
  return new PodProcessScan(options).update();
}

/**
 * A scan of /proc kept up to date: each update reads only the processes that appeared
 * since the last and forgets those that are gone. The agent scans while it waits for its
 * batch (hundreds of processes on a busy node, 100-200 ms), and brings the scan up to
 * date when the batch comes, which reads only what started meanwhile (the run's probe
 * pods). A process that exited is forgotten at the next update; one that exits after it
 * is passed over when its namespace file cannot be opened (podNetns).
 *
 * A process is read once, but a container's first process exists for a moment before
 * the runtime moves it into the pod's cgroup (runc's init, the lab's responder): read in
 * that moment, it is remembered as no pod's. `recheck` reads those again; the agent calls
 * it when a pod the batch names is not found, so the common case stays one cheap update.
 */
export class PodProcessScan {
  private readonly known = new Map<number, PodProcess | undefined>();
  private last: Promise<Map<string, PodProcess[]>> | undefined;

  constructor(private readonly options: ScanOptions) {}

  /** The pod processes now, by normalized pod UID; updates run one after another. */
  update(): Promise<Map<string, PodProcess[]>> {
    return this.queue(false);
  }

  /** An update that also reads again every process last seen outside any pod. */
  recheck(): Promise<Map<string, PodProcess[]>> {
    return this.queue(true);
  }

  private queue(outsidersAgain: boolean): Promise<Map<string, PodProcess[]>> {
    const previous = this.last ?? Promise.resolve(new Map());
    this.last = previous.catch(() => undefined).then(() => this.pass(outsidersAgain));
    return this.last;
  }

  /**
   * Synchronous reads, on purpose: /proc files are made on the spot and never block, and
   * one by one they cost a fifth of the CPU that a promise and a thread-pool round trip
   * per file do (hundreds of files per agent, eight agents at once on the lab's machine).
   */
  private pass(outsidersAgain: boolean): Map<string, PodProcess[]> {
    const skip = new Set(this.options.skipPids ?? []);
    const entries = readdirSync(this.options.procRoot);
    const pids = new Set(entries.filter((name) => /^\d+$/.test(name)).map(Number));
    for (const pid of this.known.keys()) if (!pids.has(pid)) this.known.delete(pid);
    for (const pid of pids) {
      const stale = !this.known.has(pid) || (outsidersAgain && this.known.get(pid) === undefined);
      if (!skip.has(pid) && stale) this.known.set(pid, readPodProcess(this.options, pid));
    }
    const byUid = new Map<string, PodProcess[]>();
    for (const process of this.known.values()) {
      if (process === undefined) continue;
      const list = byUid.get(process.cgroup.uid) ?? [];
      list.push(process);
      byUid.set(process.cgroup.uid, list);
    }
    return byUid;
  }
}

function readPodProcess(options: ScanOptions, pid: number): PodProcess | undefined {
  const cgroup = podOfCgroupFile(readProcFile(options, pid, 'cgroup'));
  if (cgroup === undefined) return undefined;
  return { pid, command: readProcFile(options, pid, 'comm').trim(), cgroup };
}

/** A process may exit while we read: a missing file only means it is gone. */
function readProcFile(options: ScanOptions, pid: number, name: string): string {
  try {
    return readFileSync(join(options.procRoot, String(pid), name), 'utf8');
  } catch {
    return '';
  }
}

/**
 * The process to enter the pod through. Every container of a pod shares the sandbox's
 * namespace, so any will do; an application container first, then the pause process,
 * then whatever sits in the pod's cgroup. CRI-O's conmon is never chosen: it runs in the
 * pod's cgroup but in the host's network.
 */
export function rankPodProcesses(processes: readonly PodProcess[]): PodProcess[] {
  return processes
    .filter((p) => p.cgroup.leaf.kind !== 'conmon')
    .map((p) => ({ p, rank: rankOf(p) }))
    .sort((a, b) => a.rank - b.rank || a.p.pid - b.p.pid)
    .map(({ p }) => p);
}

function rankOf(process: PodProcess): number {
  if (process.cgroup.leaf.kind !== 'container') return 2;
  return process.command === 'pause' ? 1 : 0;
}

export type PodNetns =
  | { readonly ok: true; readonly path: string; readonly pid: number }
  | { readonly ok: false; readonly reason: string };

/** `/proc/<pid>/ns/net` of the pod's best process, checked to exist. */
export async function podNetns(
  uid: string,
  scanned: ReadonlyMap<string, readonly PodProcess[]>,
  procRoot: string,
): Promise<PodNetns> {
  const candidates = rankPodProcesses(scanned.get(normalizePodUid(uid)) ?? []);
  if (candidates.length === 0) return { ok: false, reason: `no process of pod ${uid} on this node` };
  const failures: string[] = [];
  for (const candidate of candidates) {
    const path = join(procRoot, String(candidate.pid), 'ns', 'net');
    try {
      await stat(path);
      return { ok: true, path, pid: candidate.pid };
    } catch (error) {
      failures.push(`${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  return { ok: false, reason: `cannot open the network namespace of pod ${uid} (${failures.join('; ')})` };
}
