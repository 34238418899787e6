/**
 * Every namespace a batch names, resolved once: a file netpol-probe enters (setns), and
 * an identity (device and inode of the namespace) so that two refs to one namespace, e.g.
 * two hostNetwork pods, share one set of tasks in the helper.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizePodUid } from './cgroup-pod.js';
import { podNetns, PodProcessScan } from './find-pod-netns.js';
import type { PodProcess } from './find-pod-netns.js';
import { assertNever } from './never.js';
import type { NetnsRef } from './protocol.js';

export type ResolvedNetns =
  | { readonly ok: true; readonly path: string; readonly identity: string }
  | { readonly ok: false; readonly reason: string };

export interface ResolveOptions {
  readonly procRoot: string;
  readonly skipPids?: readonly number[];
  /** A scan of /proc begun earlier (while the batch was on its way), brought up to date here. */
  readonly scan?: PodProcessScan;
}

export function netnsRefKey(ref: NetnsRef): string {
  switch (ref.kind) {
    case 'pod':
      return `pod:${ref.uid}`;
    case 'netns':
      return `netns:${ref.path}`;
    case 'host':
      return 'host';
    default:
      return assertNever(ref);
  }
}

/** Resolves refs by `netnsRefKey`; /proc is scanned once, and only when a pod is named. */
export async function resolveNetnsRefs(
  refs: readonly NetnsRef[],
  options: ResolveOptions,
): Promise<Map<string, ResolvedNetns>> {
  const distinct = new Map(refs.map((ref) => [netnsRefKey(ref), ref]));
  const needsScan = [...distinct.values()].some((ref) => ref.kind === 'pod');
  let scanned: Map<string, PodProcess[]> = new Map();
  if (needsScan) {
    const scan = options.scan ?? new PodProcessScan(options);
    scanned = await scan.update();
    // A pod's process read before it joined the pod's cgroup: read the outsiders again.
    if ([...distinct.values()].some((ref) => ref.kind === 'pod' && !scanned.has(normalizePodUid(ref.uid))))
      scanned = await scan.recheck();
  }
  const resolved = new Map<string, ResolvedNetns>();
  for (const [key, ref] of distinct) resolved.set(key, await resolveOne(ref, scanned, options.procRoot));
  return resolved;
}

async function resolveOne(
  ref: NetnsRef,
  scanned: ReadonlyMap<string, readonly PodProcess[]>,
  procRoot: string,
): Promise<ResolvedNetns> {
  switch (ref.kind) {
    case 'pod': {
      const found = await podNetns(ref.uid, scanned, procRoot);
      return found.ok ? withIdentity(found.path) : found;
    }
    case 'netns':
      return withIdentity(ref.path);
    case 'host':
      return withIdentity(join(procRoot, '1', 'ns', 'net'));
    default:
      return assertNever(ref);
  }
}

async function withIdentity(path: string): Promise<ResolvedNetns> {
  try {
    const info = await stat(path);
    return { ok: true, path, identity: `${info.dev}:${info.ino}` };
  } catch (error) {
    return {
      ok: false,
      reason: `cannot open ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    };
  }
}
