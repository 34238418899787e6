/**
 * The workload a pod belongs to, as `deploy:`, `sts:` and `ds:` endpoints name it: a pod
 * of a ReplicaSet belongs to that ReplicaSet's Deployment, a pod of a Job to its CronJob.
 */
import type { Labels, WorkloadKind } from '../policy/index.js';
import { isWorkloadKind } from './manifest-kinds.js';
import type { OwnerReference, PodOwner } from './pod-draft.js';
import type { Workload } from './read-workload.js';

/** Declared workloads by `kind/namespace/name`. */
export type WorkloadIndex = ReadonlyMap<string, Workload>;

export function workloadKey(kind: WorkloadKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** The top workload behind an owner reference, or undefined when no workload owns the pod. */
export function resolveOwner(
  reference: OwnerReference | undefined,
  namespace: string,
  podLabels: Labels,
  workloads: WorkloadIndex,
): PodOwner | undefined {
  if (reference === undefined || !isWorkloadKind(reference.kind)) return undefined;
  const declared = workloads.get(workloadKey(reference.kind, namespace, reference.name));
  const parent = declared?.ownerReference ?? inferredParent(reference, namespace, podLabels, workloads);
  if (reference.kind === 'ReplicaSet' && parent?.kind === 'Deployment')
    return { kind: 'Deployment', name: parent.name };
  if (reference.kind === 'Job' && parent?.kind === 'CronJob') return { kind: 'CronJob', name: parent.name };
  return { kind: reference.kind, name: reference.name };
}

/**
 * The parent of an owner that the manifests do not declare, from the names controllers
 * give: a Deployment's ReplicaSet is `<deployment>-<pod-template-hash>`, a CronJob's Job
 * is `<cronjob>-<scheduled minute>`.
 */
function inferredParent(
  reference: OwnerReference,
  namespace: string,
  podLabels: Labels,
  workloads: WorkloadIndex,
): OwnerReference | undefined {
  if (reference.kind === 'ReplicaSet') {
    const hash = podLabels['pod-template-hash'];
    if (hash !== undefined && reference.name.endsWith(`-${hash}`))
      return { kind: 'Deployment', name: reference.name.slice(0, -hash.length - 1) };
  }
  if (reference.kind === 'Job') {
    const cronJobName = /^(.+)-\d+$/.exec(reference.name)?.[1];
    if (cronJobName !== undefined && workloads.has(workloadKey('CronJob', namespace, cronJobName)))
      return { kind: 'CronJob', name: cronJobName };
  }
  return undefined;
}
