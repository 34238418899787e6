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

export interface PodChains {
  /** `namespace/name`, for humans. */
  readonly pod: string;
  readonly hostLink: string;
  /** Undefined when the pod is not isolated for ingress (everything passes). */
  readonly ingress?: readonly Allow[];
  readonly egress?: readonly Allow[];
}

export interface NodeRuleset {
  readonly node: string;
  readonly pods: readonly PodChains[];
}
