/**
 * The cluster as the policy model sees it: namespaces, pods, nodes, services and
 * NetworkPolicies, already reduced to plain data. Adapters (manifests on disk, a live
 * API server, the lab) build a `ClusterState`; the model only reads it.
 */
import type { ClusterPolicy } from './cluster-policy.js';
import type { NetworkPolicy } from './policy.js';

export type Labels = Readonly<Record<string, string>>;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Namespace {
  readonly name: string;
  readonly labels: Labels;
}

export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** Every address of the pod (IPv4 and/or IPv6); the first is the primary one. */
  readonly ips: readonly string[];
  readonly nodeName?: string;
  /** A hostNetwork pod is not selected by policies and counts as its node. */
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPort[];
  /** The workload that owns the pod, if any (for `deploy:`, `sts:`, `ds:` endpoints). */
  readonly owner?: { readonly kind: WorkloadKind; readonly name: string };
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob';

export interface Node {
  readonly name: string;
  readonly labels: Labels;
  readonly addresses: readonly string[];
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  /** A number, or the name of a container port on the selected pods. */
  readonly targetPort: number | string;
  readonly protocol: Protocol;
}

export interface Service {
  readonly namespace: string;
  readonly name: string;
  /** Undefined for a Service without a selector. */
  readonly selector?: Labels;
  readonly clusterIPs: readonly string[];
  readonly ports: readonly ServicePort[];
}

export interface ClusterState {
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly Pod[];
  readonly nodes: readonly Node[];
  readonly services: readonly Service[];
  readonly policies: readonly NetworkPolicy[];
  /** ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy; absent means none. */
  readonly clusterPolicies?: readonly ClusterPolicy[];
  /** Network policies of kinds the model does not know: its verdicts may be wrong where they apply. */
  readonly unmodelledPolicies?: readonly UnmodelledPolicy[];
}

/** A policy object the model cannot evaluate (Cilium, Calico, Antrea, other API versions). */
export interface UnmodelledPolicy {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Undefined for cluster-wide kinds, which may apply to any pod. */
  readonly namespace: string | undefined;
  /** Where it was declared, when it came from a file. */
  readonly location?: { readonly file: string; readonly line: number; readonly col: number };
}
