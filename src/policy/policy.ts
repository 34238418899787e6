/**
 * NetworkPolicy (networking.k8s.io/v1) as a model: one type per case the spec
 * distinguishes, so that every default is stated once, by the builder.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import type { Protocol } from './cluster.js';
import type { LabelSelector } from './selector.js';

export type Direction = 'ingress' | 'egress';

export interface PolicyRef {
  readonly namespace: string;
  readonly name: string;
}

/** Which pods a policy applies to: those its podSelector picks in its own namespace. */
export interface PolicyTarget {
  readonly namespace: string;
  readonly podSelector: LabelSelector;
}

/** namespaceSelector of a peer: absent (the policy's own namespace), `{}` (all), or by label. */
export type NamespaceMatcher =
  | { readonly kind: 'own'; readonly namespace: string }
  | { readonly kind: 'all' }
  | { readonly kind: 'labelled'; readonly selector: LabelSelector };

/** podSelector of a peer: absent or `{}` (all pods), or by label. */
export type PodMatcher =
  { readonly kind: 'all' } | { readonly kind: 'labelled'; readonly selector: LabelSelector };

export type Peer =
  | { readonly kind: 'pods'; readonly namespaces: NamespaceMatcher; readonly pods: PodMatcher }
  | { readonly kind: 'ipBlock'; readonly cidr: string; readonly except: readonly string[] };

/** `from`/`to` of a rule: absent or empty means every source/destination. */
export type PeerMatcher =
  { readonly kind: 'anyPeer' } | { readonly kind: 'peers'; readonly peers: readonly Peer[] };

export type PortMatcher =
  /** `ports` absent or empty: every port of every protocol. */
  | { readonly kind: 'anyPort' }
  /** `ports` listed: traffic must match one of them. */
  | { readonly kind: 'ports'; readonly ports: readonly PortRule[] };

export type PortRule =
  /** `{protocol}` with no port: every port of that protocol (TCP when unset). */
  | { readonly kind: 'allPortsOf'; readonly protocol: Protocol }
  /** A number, or a range up to endPort. */
  | { readonly kind: 'number'; readonly protocol: Protocol; readonly port: number; readonly endPort?: number }
  /** A container port name, resolved on the destination pod. */
  | { readonly kind: 'named'; readonly protocol: Protocol; readonly name: string };

export interface Rule {
  readonly peers: PeerMatcher;
  readonly ports: PortMatcher;
}

export interface NetworkPolicy {
  readonly ref: PolicyRef;
  readonly target: PolicyTarget;
  /** Undefined when the policy does not affect ingress; `[]` when it isolates and allows nothing. */
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
}
