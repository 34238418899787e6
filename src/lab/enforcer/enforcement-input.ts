/** What the enforcer compiles: the cluster as the data plane realised it, plus raw policies. */
import type { ContainerPort, Labels, NetworkPolicyManifest } from '../../policy/index.js';
import type { ClusterPolicyObject } from './cluster-policy-object.js';

export interface EnforcedNamespace {
  readonly name: string;
  readonly labels: Labels;
}

export interface EnforcedPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** The pod's address (its node's for a hostNetwork pod), canonical text. */
  readonly ip: string;
  readonly nodeName: string;
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPort[];
  /** The host side of the pod's veth in its node's namespace; absent for hostNetwork pods. */
  readonly hostLink?: string;
}

export interface EnforcedNode {
  readonly name: string;
  /** Canonical text. */
  readonly address: string;
  /** The Node object's labels, for cluster policies' `nodes` peers (none: matches only empty selectors). */
  readonly labels?: Labels;
}

export interface EnforcementInput {
  readonly namespaces: readonly EnforcedNamespace[];
  readonly pods: readonly EnforcedPod[];
  readonly nodes: readonly EnforcedNode[];
  readonly policies: readonly NetworkPolicyManifest[];
  /**
   * ClusterNetworkPolicy (v1alpha2), AdminNetworkPolicy and BaselineAdminNetworkPolicy
   * (v1alpha1) objects as the API serves them; other kinds and versions are left out.
   */
  readonly clusterPolicies?: readonly ClusterPolicyObject[];
}
