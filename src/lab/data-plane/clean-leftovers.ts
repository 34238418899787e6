/**
 * Removes everything a lab made, found by name and by place rather than by memory, so
 * it works after the lab's process was killed (SIGKILL included), and twice in a row:
 *   1. processes in the lab's namespaces or cgroups: killed (and waited for)
 *   2. the lab's network namespaces (pods, outside hosts, nodes, fabric): deleted;
 *      their links, routes and nftables tables go with them
 *   3. the lab's cgroup folders: removed deepest first
 *   4. the lab's state folder
 * Only names with the lab's prefix are touched; nothing else can match.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  deleteNetns,
  detectCgroupLayout,
  findLabCgroupRoots,
  listNetns,
  netnsPids,
  processesInTree,
  removeCgroupTree,
} from '../host/index.js';
import { defaultStateRoot, LabNames, labOfName } from '../names/index.js';
import { labsWithState, readLabRecord, removeLabState } from './state-store.js';

export interface CleanupReport {
  readonly labs: readonly string[];
  readonly processes: readonly number[];
  readonly netns: readonly string[];
  readonly cgroups: readonly string[];
  readonly stateDirs: readonly string[];
}

export interface CleanOptions {
  readonly stateRoot?: string;
}

export async function cleanLeftovers(
  target: { readonly lab: string } | 'all',
  options: CleanOptions = {},
): Promise<CleanupReport> {
  const stateRoot = options.stateRoot ?? defaultStateRoot();
  const layout = await detectCgroupLayout();
  const allNetns = await listNetns();
  const labs =
    target === 'all'
      ? await discoverLabs(allNetns, stateRoot, await findLabCgroupRoots(layout))
      : [new LabNames(target.lab).lab];
  const reports = [];
  for (const lab of labs) {
    const names = new LabNames(lab);
    const record = await readLabRecord(stateRoot, lab);
    const netns = allNetns.filter((name) => names.owns(name));
    const roots = [
      ...new Set([
        ...(record?.cgroupRoots ?? []).filter((root) => basename(root) === names.cgroupParent),
        ...(await findLabCgroupRoots(layout, names.cgroupParent)),
      ]),
    ];
    const processes = await killAll(netns, roots);
    for (const name of [...netns].sort(byTeardownOrder)) await deleteNetns(name);
    const cgroups = [];
    for (const root of roots) cgroups.push(...(await removeCgroupTree(root)));
    const stateDirs = (await removeLabState(stateRoot, lab)) ? [lab] : [];
    reports.push({ processes, netns, cgroups, stateDirs });
  }
  return {
    labs,
    processes: reports.flatMap((report) => report.processes),
    netns: reports.flatMap((report) => report.netns),
    cgroups: reports.flatMap((report) => report.cgroups),
    stateDirs: reports.flatMap((report) => report.stateDirs),
  };
}

async function discoverLabs(netns: readonly string[], stateRoot: string, cgroupRoots: readonly string[]) {
  const found = [
    ...netns.map(labOfName),
    ...(await labsWithState(stateRoot)),
    ...cgroupRoots.map((root) => labOfName(basename(root))),
  ];
  return [...new Set(found.filter((lab): lab is string => lab !== undefined))].sort();
}

/** Pods and outside hosts first, then nodes (which hold the pods' host links), the fabric last. */
function byTeardownOrder(a: string, b: string): number {
  const rank = (name: string) => (name.endsWith('-fabric') ? 2 : /-n\d+$/.test(name) ? 1 : 0);
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** SIGKILL every process in the lab's namespaces and cgroups; returns their pids once gone. */
async function killAll(netns: readonly string[], cgroupRoots: readonly string[]): Promise<number[]> {
  const pids = new Set<number>();
  for (const name of netns) for (const pid of await netnsPids(name)) pids.add(pid);
  for (const root of cgroupRoots) for (const pid of await processesInTree(root)) pids.add(pid);
  pids.delete(process.pid);
  pids.delete(1);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const pid of pids) await waitGone(pid);
  return [...pids].sort((a, b) => a - b);
}

/** Gone means no /proc entry or a zombie (which has left its cgroups and namespaces). */
async function waitGone(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined || /\) Z /.test(stat)) return;
    await sleep(20);
  }
  throw new Error(`process ${pid} did not exit after SIGKILL`);
}
