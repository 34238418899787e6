/**
 * A pack's objects in a cluster through client-node: applied server-side (so a re-run
 * updates), pods waited for, namespaces deleted. Namespaces carry the run label, so
 * `netpol-assert clean` removes what a killed run left.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { stateFromManifests } from '../manifests/index.js';
import { applyObjects, ClusterUnavailableError } from '../cluster/index.js';
import type { ManifestObject } from '../manifests/index.js';
import { formatProblem } from '../shared/index.js';
import { MANAGED_BY, MANAGED_BY_LABEL, RUN_LABEL, RunInterrupted } from '../probe/index.js';

export const RECIPE_LABEL = 'netpol-assert.io/recipe';

const POLL_MS = 500;

/** Namespaces labelled with the run and the recipe, so `clean` and people can tell them. */
export function labelledForRun(
  objects: readonly ManifestObject[],
  run: string,
  recipe: string,
): ManifestObject[] {
  return objects.map((manifest) => {
    if (manifest.object.kind !== 'Namespace') return manifest;
    const metadata = manifest.object.metadata as Record<string, unknown>;
    const labels = {
      ...(metadata.labels as Record<string, string> | undefined),
      [RUN_LABEL]: run,
      [MANAGED_BY_LABEL]: MANAGED_BY,
      [RECIPE_LABEL]: recipe,
    };
    return { ...manifest, object: { ...manifest.object, metadata: { ...metadata, labels } } };
  });
}

export async function applyPackObjects(
  kubeConfig: KubeConfig,
  objects: readonly ManifestObject[],
): Promise<void> {
  const outcome = await applyObjects(kubeConfig, objects);
  if (!outcome.ok)
    throw new ClusterUnavailableError(
      `the cluster refused the recipes' objects:\n${outcome.problems.map(formatProblem).join('\n')}`,
    );
}

/** How many pods each namespace will run: the workloads expanded as their controllers would. */
export function expectedPods(objects: readonly ManifestObject[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pod of stateFromManifests(objects).state.pods)
    counts.set(pod.namespace, (counts.get(pod.namespace) ?? 0) + 1);
  return counts;
}

/** Waits, bounded, until every namespace has its pods Ready; on time-out, names the ones short. */
export async function waitForReadyPods(
  kubeConfig: KubeConfig,
  expected: ReadonlyMap<string, number>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const short = await shortNamespaces(core, expected);
    if (short.length === 0) return;
    if (signal?.aborted) throw new RunInterrupted('interrupted');
    if (Date.now() > deadline)
      throw new ClusterUnavailableError(
        `recipe pods not Ready after ${Math.round(timeoutMs / 1000)}s: ${short.join(', ')}`,
      );
    await sleep(POLL_MS);
  }
}

async function shortNamespaces(core: CoreV1Api, expected: ReadonlyMap<string, number>): Promise<string[]> {
  const counts = await Promise.all(
    [...expected].map(async ([namespace, wanted]) => {
      const pods = (await core.listNamespacedPod({ namespace })).items;
      const ready = pods.filter(
        (pod) =>
          pod.metadata?.deletionTimestamp === undefined &&
          pod.status?.phase === 'Running' &&
          (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length;
      return ready >= wanted ? undefined : `${namespace} ${ready}/${wanted}`;
    }),
  );
  return counts.filter((entry) => entry !== undefined);
}

/** Starts deleting the namespaces (and so everything in them); a namespace already gone is fine. */
export async function deleteNamespaces(kubeConfig: KubeConfig, names: readonly string[]): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await Promise.all(
    names.map((name) =>
      core.deleteNamespace({ name, gracePeriodSeconds: 0 }).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      }),
    ),
  );
}

/** Waits, bounded, until the namespaces are gone; returns the ones still terminating. */
export async function waitUntilGone(
  kubeConfig: KubeConfig,
  names: readonly string[],
  timeoutMs: number,
): Promise<string[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  let left = [...names];
  while (left.length > 0 && Date.now() < deadline) {
    const present = await Promise.all(
      left.map((name) =>
        core.readNamespace({ name }).then(
          () => true,
          (error: unknown) => statusOf(error) !== 404,
        ),
      ),
    );
    left = left.filter((_, index) => present[index]);
    if (left.length > 0) await sleep(POLL_MS);
  }
  return left;
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number'
    ? error.code
    : undefined;
}
