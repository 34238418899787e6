/**
 * The compiled form of the policies for one node: per local pod, the traffic its
 * ingress and egress chains let through. Plain data between the compiler (which reads
 * the spec) and the renderer (which writes nftables).
 */
import type { Protocol } from '../../policy/index.js';

export type AddressMatch =
  /** Any source or destination. */
  | { readonly kind: 'anyAddress' }
  /** These addresses (pods, a node). Never empty. */
  | { readonly kind: 'addresses'; readonly addresses: readonly string[] }
  /** An ipBlock: inside `cidr` and outside every `except`. */
  | { readonly kind: 'block'; readonly cidr: string; readonly except: readonly string[] };

export type PortMatch =
  | { readonly kind: 'anyPort' }
  /** Every port of one protocol. */
  | { readonly kind: 'protocol'; readonly protocol: Protocol }
  | {
      readonly kind: 'portRange';
      readonly protocol: Protocol;
      readonly first: number;
      readonly last: number;
    };

/** One allow clause: traffic whose peer and port both match passes. */
export interface Allow {
  readonly peer: AddressMatch;
  readonly port: PortMatch;
  /** `namespace/policy ingress[0]`, or why the clause exists. Goes into an nft comment. */
  readonly origin: string;
}

/**
 * One clause of a cluster policy tier: traffic whose peer and port match gets `verdict`
 * (`pass` hands it to the NetworkPolicy stage). Clauses keep the order of evaluation.
 */
export interface TierClause extends Allow {
  readonly verdict: 'accept' | 'deny' | 'pass';
}

/** What the cluster policies selecting a pod say in one direction, tier by tier. */
export interface ClusterClauses {
  readonly admin: readonly TierClause[];
  /** Reached only when no NetworkPolicy isolates the pod in this direction. */
  readonly baseline: readonly TierClause[];
}

export interface PodChains {
  /** `namespace/name`, for humans. */
  readonly pod: string;
  readonly hostLink: string;
  /** The NetworkPolicy stage. Undefined when the pod is not isolated for ingress (the next tier decides). */
  readonly ingress?: readonly Allow[];
  readonly egress?: readonly Allow[];
  /** Cluster policies' clauses; undefined when none applies to the pod in this direction. */
  readonly clusterIngress?: ClusterClauses;
  readonly clusterEgress?: ClusterClauses;
}

export interface NodeRuleset {
  readonly node: string;
  readonly pods: readonly PodChains[];
}
