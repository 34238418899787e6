/**
 * A pod's network namespace from its UID, by scanning /proc/<pid>/cgroup: no crictl and
 * no runtime socket, so containerd, CRI-O and Docker nodes all work the same. Needs the
 * host's /proc (hostPID) and, to open other users' namespace files, CAP_SYS_PTRACE.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
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
  const skip = new Set(options.skipPids ?? []);
  const entries = await readdir(options.procRoot);
  const pids = entries.filter((name) => /^\d+$/.test(name)).map(Number);
  const found = await Promise.all(
    pids.filter((pid) => !skip.has(pid)).map((pid) => readPodProcess(options, pid)),
  );
  const byUid = new Map<string, PodProcess[]>();
  for (const process of found) {
    if (process === undefined) continue;
    const list = byUid.get(process.cgroup.uid) ?? [];
    list.push(process);
    byUid.set(process.cgroup.uid, list);
  }
  return byUid;
}

async function readPodProcess(options: ScanOptions, pid: number): Promise<PodProcess | undefined> {
  // A process may exit while we read: a missing file only means it is gone.
  const text = await readFile(join(options.procRoot, String(pid), 'cgroup'), 'utf8').catch(() => '');
  const cgroup = podOfCgroupFile(text);
  if (cgroup === undefined) return undefined;
  const command = await readFile(join(options.procRoot, String(pid), 'comm'), 'utf8').catch(() => '');
  return { pid, command: command.trim(), cgroup };
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
