/**
 * Policies made ready for the hot path: CIDRs parsed to numbers, every pod peer numbered
 * so its match against each pod can be remembered in a typed array.
 */
import { parseCidr } from '../shared/index.js';
import type { Cidr } from '../shared/index.js';
import type { NamespaceMatcher, NetworkPolicy, Peer, PodMatcher, PortRule, Rule } from './policy.js';

export type CompiledPeer =
  | {
      readonly kind: 'pods';
      /** Row of this peer in the peer-match cache. */
      readonly id: number;
      readonly namespaces: NamespaceMatcher;
      readonly pods: PodMatcher;
    }
  /** `cidr` is undefined when the text was not a CIDR: such a block matches nothing. */
  | { readonly kind: 'ipBlock'; readonly cidr: Cidr | undefined; readonly except: readonly Cidr[] };

export interface CompiledRule {
  /** Position in the policy's ingress or egress list, for reasons. */
  readonly index: number;
  /** Undefined: any peer. */
  readonly peers: readonly CompiledPeer[] | undefined;
  /** Undefined: any port. */
  readonly ports: readonly PortRule[] | undefined;
}

export interface CompiledPolicy {
  readonly policy: NetworkPolicy;
  /** Undefined when the policy does not isolate that direction. */
  readonly ingress: readonly CompiledRule[] | undefined;
  readonly egress: readonly CompiledRule[] | undefined;
}

export interface CompiledPolicies {
  readonly policies: readonly CompiledPolicy[];
  /** How many pod peers were numbered. */
  readonly podPeerCount: number;
  /** Texts that were not CIDRs, as messages. */
  readonly problems: readonly string[];
}

export function compilePolicies(policies: readonly NetworkPolicy[]): CompiledPolicies {
  let podPeerCount = 0;
  const problems: string[] = [];
  const cidr = (text: string, policy: NetworkPolicy): Cidr | undefined => {
    const parsed = parseCidr(text);
    if (parsed.ok) return parsed.cidr;
    problems.push(`${policy.ref.namespace}/${policy.ref.name}: ${parsed.message}`);
    return undefined;
  };
  const peer = (p: Peer, policy: NetworkPolicy): CompiledPeer => {
    if (p.kind === 'pods')
      return { kind: 'pods', id: podPeerCount++, namespaces: p.namespaces, pods: p.pods };
    const block = cidr(p.cidr, policy);
    // An except of the other family can hold none of the block's addresses.
    const except = p.except
      .map((text) => cidr(text, policy))
      .filter((c): c is Cidr => c !== undefined && c.family === block?.family);
    return { kind: 'ipBlock', cidr: block, except };
  };
  const rules = (list: readonly Rule[] | undefined, policy: NetworkPolicy): CompiledRule[] | undefined =>
    list?.map((rule, index) => ({
      index,
      peers: rule.peers.kind === 'anyPeer' ? undefined : rule.peers.peers.map((p) => peer(p, policy)),
      ports: rule.ports.kind === 'anyPort' ? undefined : rule.ports.ports,
    }));
  const compiled = policies.map((policy) => ({
    policy,
    ingress: rules(policy.ingress, policy),
    egress: rules(policy.egress, policy),
  }));
  return { policies: compiled, podPeerCount, problems };
}
