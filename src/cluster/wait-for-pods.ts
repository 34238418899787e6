/**
 * Wait, bounded, until what was applied has settled: every workload that was applied has
 * all its pods ready, and every pod in scope is Ready (or has finished): every pod in the
 * cluster (`lab up -f`, which owns its lab), or only the Pods applied (a run's setup, in a
 * cluster that may hold pods of others). On time-out, say which ones are not.
 */
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppliedObject } from './apply-objects.js';

/** Which pods must be Ready besides the workloads' own: every pod, or the Pods applied. */
export type PodScope = 'every-pod' | 'applied';

export type WaitOutcome =
  | { readonly ok: true; readonly pods: number; readonly afterMs: number }
  | { readonly ok: false; readonly waiting: readonly string[] };

const POLL_MS = 500;

export interface WaitForPodsOptions {
  readonly scope?: PodScope;
  /** Stops the wait at once (Ctrl-C): the outcome names no pod, only the interruption. */
  readonly signal?: AbortSignal;
}

export async function waitForPods(
  kubeConfig: KubeConfig,
  applied: readonly AppliedObject[],
  timeoutMs: number,
  options: WaitForPodsOptions = {},
): Promise<WaitOutcome> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const started = Date.now();
  let waiting: string[] = [];
  while (Date.now() - started < timeoutMs) {
    if (options.signal?.aborted) return { ok: false, waiting: ['interrupted'] };
    try {
      const pods = (await podsInScope(core, applied, options.scope ?? 'every-pod')).filter(
        (pod) => pod.metadata?.deletionTimestamp === undefined,
      );
      const workloads = await Promise.all(applied.map((object) => workloadWaiting(apps, object)));
      waiting = [
        ...workloads.filter((reason) => reason !== undefined),
        ...pods.filter(notReady).map(podName),
      ];
      if (waiting.length === 0) return { ok: true, pods: pods.length, afterMs: Date.now() - started };
    } catch (error) {
      waiting = [`the API server: ${String(error)}`];
    }
    await sleep(POLL_MS);
  }
  return { ok: false, waiting };
}

/** Every pod, or the applied Pods, read one by one: a shared cluster's pods are not listed every poll. */
async function podsInScope(
  core: CoreV1Api,
  applied: readonly AppliedObject[],
  scope: PodScope,
): Promise<V1Pod[]> {
  if (scope === 'every-pod') return (await core.listPodForAllNamespaces()).items;
  const pods = applied.filter((object) => object.kind === 'Pod' && object.apiVersion === 'v1');
  return Promise.all(
    pods.map((pod) => core.readNamespacedPod({ name: pod.name, namespace: pod.namespace ?? 'default' })),
  );
}

function notReady(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return !(pod.status?.conditions ?? []).some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );
}

function podName(pod: V1Pod): string {
  const reason = pod.status?.message ?? pod.status?.phase ?? 'no status';
  return `pod ${pod.metadata?.namespace}/${pod.metadata?.name} (${reason})`;
}

/** Why an applied workload is not ready yet, or undefined when it is (or is no workload). */
async function workloadWaiting(apps: AppsV1Api, object: AppliedObject): Promise<string | undefined> {
  if (object.apiVersion !== 'apps/v1' || object.namespace === undefined) return undefined;
  const where = { name: object.name, namespace: object.namespace };
  const label = `${object.kind} ${object.namespace}/${object.name}`;
  switch (object.kind) {
    case 'Deployment': {
      const { spec, status, metadata } = await apps.readNamespacedDeployment(where);
      const wanted = spec?.replicas ?? 1;
      const observed = (status?.observedGeneration ?? 0) >= (metadata?.generation ?? 0);
      return observed && (status?.readyReplicas ?? 0) >= wanted && (status?.updatedReplicas ?? 0) >= wanted
        ? undefined
        : `${label}: ${status?.readyReplicas ?? 0}/${wanted} ready`;
    }
    case 'StatefulSet':
    case 'ReplicaSet': {
      const read =
        object.kind === 'StatefulSet'
          ? apps.readNamespacedStatefulSet(where)
          : apps.readNamespacedReplicaSet(where);
      const { spec, status } = await read;
      const wanted = spec?.replicas ?? 1;
      return (status?.readyReplicas ?? 0) >= wanted
        ? undefined
        : `${label}: ${status?.readyReplicas ?? 0}/${wanted} ready`;
    }
    case 'DaemonSet': {
      const { status } = await apps.readNamespacedDaemonSet(where);
      const wanted = status?.desiredNumberScheduled ?? 0;
      return wanted > 0 && (status?.numberReady ?? 0) >= wanted
        ? undefined
        : `${label}: ${status?.numberReady ?? 0}/${wanted} ready`;
    }
    default:
      return undefined;
  }
}
