/** What the enforcer compiles: the cluster as the data plane realised it, plus raw policies. */
import type { ContainerPort, Labels, NetworkPolicyManifest } from '../../policy/index.js';

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
}

export interface EnforcementInput {
  readonly namespaces: readonly EnforcedNamespace[];
  readonly pods: readonly EnforcedPod[];
  readonly nodes: readonly EnforcedNode[];
  readonly policies: readonly NetworkPolicyManifest[];
}
