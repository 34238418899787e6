/**
 * Pod cgroups laid out as the kubelet (cgroupfs driver) lays them out, so that an agent
 * finding `pod<uid>` in /proc/<pid>/cgroup works in the lab as on a real node:
 *
 *   cgroup v1:  <mount of memory|pids|cpu|name=systemd><own>/npa-<lab>/kubepods/besteffort/pod<uid>/<container-id>
 *   cgroup v2:  /sys/fs/cgroup<own>/npa-<lab>/kubepods/besteffort/pod<uid>/<container-id>
 *
 * `<own>` is the cgroup of the process that makes the lab (as kind nests a node's
 * kubepods under its container's cgroup): the responders stay inside whatever limits
 * that process lives under, and the lab-specific parent `npa-<lab>` means teardown
 * removes only folders this lab made.
 */
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertNever } from '../../shared/index.js';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** The v1 hierarchies the kubelet places every pod in (among others). */
const V1_HIERARCHIES = ['memory', 'pids', 'cpu', 'name=systemd'] as const;
const LAB_PARENT = /^npa-[a-z0-9]{1,12}$/;

export type CgroupLayout =
  | { readonly kind: 'v1'; readonly hierarchies: readonly CgroupHierarchy[] }
  | { readonly kind: 'v2'; readonly hierarchy: CgroupHierarchy }
  | { readonly kind: 'none' };

export interface CgroupHierarchy {
  /** `memory`, `pids`, `cpu`, `name=systemd`, or `unified`. */
  readonly name: string;
  readonly mount: string;
  /** This process's cgroup in the hierarchy, e.g. `/` or `/user.slice/...`. */
  readonly ownPath: string;
}

interface MountLine {
  readonly mount: string;
  readonly type: string;
  readonly options: readonly string[];
}

export async function detectCgroupLayout(): Promise<CgroupLayout> {
  const mounts = parseMounts(await readFile('/proc/mounts', 'utf8'));
  const own = parseOwnCgroups(await readFile('/proc/self/cgroup', 'utf8'));
  const v1: CgroupHierarchy[] = [];
  for (const name of V1_HIERARCHIES) {
    const found = mounts.find((line) => line.type === 'cgroup' && line.options.includes(name));
    const ownPath = own.find((entry) => entry.controllers.includes(name))?.path;
    if (found !== undefined && ownPath !== undefined && !v1.some((h) => h.mount === found.mount)) {
      v1.push({ name, mount: found.mount, ownPath });
    }
  }
  if (v1.length > 0) return { kind: 'v1', hierarchies: v1 };
  const unified = mounts.find((line) => line.type === 'cgroup2' && line.mount === CGROUP_ROOT);
  const ownPath = own.find((entry) => entry.hierarchyId === '0')?.path;
  if (unified !== undefined && ownPath !== undefined) {
    return { kind: 'v2', hierarchy: { name: 'unified', mount: unified.mount, ownPath } };
  }
  return { kind: 'none' };
}

function parseMounts(text: string): MountLine[] {
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length >= 4)
    .map((fields) => ({
      mount: fields[1] ?? '',
      type: fields[2] ?? '',
      options: (fields[3] ?? '').split(','),
    }));
}

function parseOwnCgroups(text: string) {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [hierarchyId = '', controllers = '', ...rest] = line.split(':');
      return { hierarchyId, controllers: controllers.split(','), path: rest.join(':') };
    });
}

function hierarchiesOf(layout: CgroupLayout): readonly CgroupHierarchy[] {
  switch (layout.kind) {
    case 'v1':
      return layout.hierarchies;
    case 'v2':
      return [layout.hierarchy];
    case 'none':
      return [];
    default:
      return assertNever(layout);
  }
}

/** The lab's parent folder in each hierarchy: `<mount><own>/npa-<lab>`. */
export function labCgroupRoots(layout: CgroupLayout, parentName: string): string[] {
  checkParent(parentName);
  return hierarchiesOf(layout).map((h) => join(h.mount, h.ownPath, parentName));
}

function checkParent(name: string) {
  if (!LAB_PARENT.test(name)) throw new Error(`refusing cgroup parent '${name}'`);
}

/** Creates `kubepods/besteffort/pod<uid>/<container-id>` under each lab root; returns the leaves. */
export async function createPodCgroups(roots: readonly string[], uid: string, containerId: string) {
  if (!/^[a-zA-Z0-9-]{1,64}$/.test(uid) || !/^[0-9a-f]{64}$/.test(containerId)) {
    throw new Error(`refusing pod cgroup for uid '${uid}'`);
  }
  const leaves = roots.map((root) => join(root, 'kubepods', 'besteffort', `pod${uid}`, containerId));
  for (const leaf of leaves) await mkdir(leaf, { recursive: true });
  return leaves;
}

export async function joinCgroups(leaves: readonly string[], pid: number): Promise<void> {
  for (const leaf of leaves) await writeFile(join(leaf, 'cgroup.procs'), String(pid));
}

/** Removes a pod's leaf and pod folders (bottom-up), once their processes are gone. */
export async function removePodCgroups(leaves: readonly string[]): Promise<void> {
  for (const leaf of leaves) {
    checkInsideLabRoot(leaf);
    await removeDirWhenEmpty(leaf);
    await removeDirWhenEmpty(join(leaf, '..'));
  }
}

/** Every process in a cgroup tree (all levels). */
export async function processesInTree(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const folder of await foldersBottomUp(dir)) {
    const text = await readFile(join(folder, 'cgroup.procs'), 'utf8').catch(() => '');
    pids.push(
      ...text
        .split('\n')
        .filter((line) => /^\d+$/.test(line))
        .map(Number),
    );
  }
  return pids;
}

/** Removes a lab root and everything under it, deepest first. Returns the folders removed. */
export async function removeCgroupTree(root: string): Promise<string[]> {
  checkInsideLabRoot(root);
  const removed: string[] = [];
  for (const folder of await foldersBottomUp(root)) {
    if (await removeDirWhenEmpty(folder)) removed.push(folder);
  }
  return removed;
}

/** Lab roots on this machine, by scanning each hierarchy a few levels deep. */
export async function findLabCgroupRoots(layout: CgroupLayout, parentName?: string): Promise<string[]> {
  if (parentName !== undefined) checkParent(parentName);
  const found: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      const isLabRoot = parentName === undefined ? LAB_PARENT.test(entry.name) : entry.name === parentName;
      if (isLabRoot) found.push(path);
      else if (depth < 4 && entry.name !== 'kubepods') await visit(path, depth + 1);
    }
  };
  for (const hierarchy of hierarchiesOf(layout)) await visit(hierarchy.mount, 1);
  return found;
}

function checkInsideLabRoot(path: string) {
  const parts = path.split('/');
  if (!path.startsWith(`${CGROUP_ROOT}/`) || !parts.some((part) => LAB_PARENT.test(part))) {
    throw new Error(`refusing to remove cgroup '${path}': not under a lab parent`);
  }
}

async function foldersBottomUp(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) return [];
  const nested: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) nested.push(...(await foldersBottomUp(join(root, entry.name))));
  }
  return [...nested, root];
}

/** rmdir, retrying while the kernel still counts exiting processes; false when absent. */
async function removeDirWhenEmpty(dir: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(dir);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      if (code !== 'EBUSY' || attempt >= 50) throw error;
      await sleep(20);
    }
  }
}
