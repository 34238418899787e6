/**
 * Packs in a live cluster, as named steps: the lab's outside hosts, every pack's setup,
 * its pods Ready, the recipes' policies, then whatever runs against them, and the packs'
 * namespaces deleted again — also when that fails or is interrupted. Packs live in
 * namespaces of their own and their assertions never leave them, so they run together.
 */
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterUnavailableError } from '../cluster/index.js';
import { askSupervisor } from '../lab/index.js';
import { runLive, RunInterrupted } from '../probe/index.js';
import type { LiveRunOptions, ProbeCluster } from '../probe/index.js';
import type { RunResult } from '../run/index.js';
import { liveSuite } from './live-suite.js';
import {
  applyPackObjects,
  deleteNamespaces,
  expectedPods,
  labelledForRun,
  waitForReadyPods,
} from './pack-objects.js';
import type { RecipePack } from './recipe-pack.js';

export interface PackTarget {
  readonly cluster: ProbeCluster;
  readonly kubeConfig: KubeConfig;
  /** The lab's control socket when the target is the lab: it makes the outside hosts. */
  readonly labSocket?: string;
}

export interface PackRun {
  readonly result: RunResult;
  /** The namespaces the run made; deleted, possibly still terminating. */
  readonly namespaces: readonly string[];
}

export interface ApplyPacksOptions {
  readonly readyTimeoutMs: number;
  readonly log?: (line: string) => void;
}

const SUPERVISOR_ANSWER_MS = 60_000;

/** A fresh token for a run's namespaces (`rcp-07-<token>-default`). */
export function newRunToken(): string {
  return randomBytes(3).toString('hex');
}

/**
 * Applies the packs (loaded with `run` as their token), runs `body` while they stand,
 * and deletes their namespaces whatever happens. With no packs it only runs `body`.
 */
export async function withPacksApplied<T>(
  packs: readonly RecipePack[],
  run: string,
  target: PackTarget,
  options: ApplyPacksOptions,
  signal: AbortSignal | undefined,
  body: () => Promise<T>,
): Promise<T> {
  if (packs.length === 0) return body();
  const log = options.log ?? (() => undefined);
  const namespaces = packs.flatMap((pack) => [...pack.namespaces.values()]);
  try {
    if (target.labSocket !== undefined) await makeOutsideHosts(packs, target.labSocket);
    checkAborted(signal);
    const setup = packs.flatMap((pack) => labelledForRun(pack.setupObjects, run, pack.id));
    log(`applying ${packs.length} recipe pack(s) in ${namespaces.length} namespace(s) (run ${run})`);
    await applyPackObjects(target.kubeConfig, setup);
    await waitForReadyPods(target.kubeConfig, expectedPods(setup), options.readyTimeoutMs, signal);
    checkAborted(signal);
    await applyPackObjects(
      target.kubeConfig,
      packs.flatMap((pack) => pack.policyObjects),
    );
    return await body();
  } finally {
    log(`deleting the recipes' namespaces (run ${run})`);
    await deleteNamespaces(target.kubeConfig, namespaces);
  }
}

/** The packs' own suites, live: `recipes run`. */
export async function runPacks(
  packs: readonly RecipePack[],
  run: string,
  target: PackTarget,
  options: LiveRunOptions,
  signal?: AbortSignal,
): Promise<PackRun> {
  const suites = packs.map((pack) => liveSuite(pack, { outsideHosts: target.labSocket !== undefined }));
  const result = await withPacksApplied(packs, run, target, options, signal, () =>
    runLive(suites, target.cluster, options, signal),
  );
  return { result, namespaces: packs.flatMap((pack) => [...pack.namespaces.values()]) };
}

/** Outside hosts are the lab's: added (or replaced, by name) and left for the next run. */
async function makeOutsideHosts(packs: readonly RecipePack[], socket: string): Promise<void> {
  const hosts = packs.flatMap((pack) => pack.externalHosts);
  if (hosts.length === 0) return;
  const answer = await askSupervisor(socket, { op: 'apply-external-hosts', hosts }, SUPERVISOR_ANSWER_MS).catch(
    (error: unknown) => ({ ok: false as const, error: String(error) }),
  );
  if (!answer.ok)
    throw new ClusterUnavailableError(`the lab could not make the recipes' outside hosts: ${answer.error}`);
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunInterrupted('interrupted');
}
