/**
 * The kinds the cluster state is built from, told apart by API group as well as kind, so
 * that a CRD that happens to be called `NetworkPolicy` (Calico's, Cilium's) is not read
 * as the Kubernetes one.
 */
import type { WorkloadKind } from '../policy/index.js';
import type { ClusterPolicyKind } from '../policy/index.js';
import { CLUSTER_POLICY_GROUP } from '../policy/index.js';
import type { JsonObject } from './manifest-fields.js';

export type StateKind =
  | 'Namespace'
  | 'Node'
  | 'Pod'
  | 'Service'
  | 'NetworkPolicy'
  | 'ExternalHost'
  | ClusterPolicyKind
  | WorkloadKind;

const GROUP_OF_KIND: Readonly<Record<StateKind, string>> = {
  Namespace: '',
  Node: '',
  Pod: '',
  Service: '',
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  Job: 'batch',
  CronJob: 'batch',
  NetworkPolicy: 'networking.k8s.io',
  // Every version of the group lands here; the reader keeps those the model knows.
  ClusterNetworkPolicy: CLUSTER_POLICY_GROUP,
  AdminNetworkPolicy: CLUSTER_POLICY_GROUP,
  BaselineAdminNetworkPolicy: CLUSTER_POLICY_GROUP,
  ExternalHost: 'lab.netpol-assert.io',
};

export const CLUSTER_POLICY_KINDS: readonly ClusterPolicyKind[] = [
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
];

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
];

export function isWorkloadKind(kind: unknown): kind is WorkloadKind {
  return WORKLOAD_KINDS.some((workloadKind) => workloadKind === kind);
}

/** The kind of an object the state is built from, or undefined for every other object. */
export function stateKindOf(object: JsonObject): StateKind | undefined {
  const { kind, apiVersion } = object;
  if (typeof kind !== 'string' || typeof apiVersion !== 'string' || !Object.hasOwn(GROUP_OF_KIND, kind))
    return undefined;
  const stateKind = kind as StateKind;
  return apiGroup(apiVersion) === GROUP_OF_KIND[stateKind] ? stateKind : undefined;
}

/** `v1` is the core group (''); `apps/v1` is `apps`. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}
