/**
 * Cluster policies made ready for the hot path, like `compile.ts` does for NetworkPolicies:
 * CIDRs parsed, pod peers numbered in the same peer-match cache, and each tier's
 * policies sorted once in evaluation order.
 */
import { parseCidr } from '../shared/index.js';
import type { Cidr } from '../shared/index.js';
import type {
  ClusterAction,
  ClusterPeer,
  ClusterPolicy,
  ClusterPort,
  ClusterRule,
} from './cluster-policy.js';
import { compareClusterPolicies } from './cluster-policy.js';
import type { CompiledPeer } from './compile.js';
import type { LabelSelector } from './selector.js';

export type CompiledClusterPeer =
  /** `namespaces` and `pods` peers, as a NetworkPolicy pod peer with the same matchers. */
  | (CompiledPeer & { readonly kind: 'pods' })
  | { readonly kind: 'networks'; readonly cidrs: readonly Cidr[] }
  | { readonly kind: 'nodes'; readonly selector: LabelSelector }
  /** Names cannot be resolved offline: matches nothing. */
  | { readonly kind: 'domainNames' };

export interface CompiledClusterRule {
  readonly index: number;
  readonly name: string | undefined;
  readonly action: ClusterAction;
  readonly peers: readonly CompiledClusterPeer[];
  /** Undefined: any port. */
  readonly ports: readonly ClusterPort[] | undefined;
}

export interface CompiledClusterPolicy {
  readonly policy: ClusterPolicy;
  /** Empty when the policy does not affect that direction. */
  readonly ingress: readonly CompiledClusterRule[];
  readonly egress: readonly CompiledClusterRule[];
}

export interface CompiledClusterPolicies {
  /** In evaluation order. */
  readonly admin: readonly CompiledClusterPolicy[];
  readonly baseline: readonly CompiledClusterPolicy[];
  /** The next free row of the peer-match cache. */
  readonly nextPeerId: number;
}

export function compileClusterPolicies(
  policies: readonly ClusterPolicy[],
  firstPeerId: number,
): CompiledClusterPolicies {
  let nextPeerId = firstPeerId;
  const peer = (p: ClusterPeer): CompiledClusterPeer => {
    switch (p.kind) {
      case 'namespaces':
        return { kind: 'pods', id: nextPeerId++, namespaces: p.namespaces, pods: { kind: 'all' } };
      case 'pods':
        return { kind: 'pods', id: nextPeerId++, namespaces: p.namespaces, pods: p.pods };
      case 'networks':
        // Validation let only CIDRs through.
        return { kind: 'networks', cidrs: p.cidrs.flatMap((text) => parsedCidr(text)) };
      case 'nodes':
        return { kind: 'nodes', selector: p.nodes };
      case 'domainNames':
        return { kind: 'domainNames' };
    }
  };
  const rules = (list: readonly ClusterRule[]): CompiledClusterRule[] =>
    list.map((rule) => ({
      index: rule.index,
      name: rule.name,
      action: rule.action,
      peers: rule.peers.map(peer),
      ports: rule.ports.kind === 'anyPort' ? undefined : rule.ports.ports,
    }));
  const compiled = [...policies].sort(compareClusterPolicies).map((policy) => ({
    policy,
    ingress: rules(policy.ingress),
    egress: rules(policy.egress),
  }));
  return {
    admin: compiled.filter((c) => c.policy.tier === 'Admin'),
    baseline: compiled.filter((c) => c.policy.tier === 'Baseline'),
    nextPeerId,
  };
}

function parsedCidr(text: string): Cidr[] {
  const parsed = parseCidr(text);
  return parsed.ok ? [parsed.cidr] : [];
}
