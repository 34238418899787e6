/**
 * The decision in tiers, one direction at a time: Admin, then NetworkPolicy, then Baseline,
 * then Kubernetes' default (allow). The steps and their sources are written down at the
 * top of cluster-policy.ts; the NetworkPolicy tier is `decideDirection` unchanged.
 */
import { ipv4InCidr, ipv6InCidr } from '../shared/index.js';
import type { Cidr } from '../shared/index.js';
import type { Protocol } from './cluster.js';
import type { ClusterAction, ClusterPort, ClusterTier } from './cluster-policy.js';
import type { CompiledClusterPeer, CompiledClusterPolicy, CompiledClusterRule } from './compile-cluster.js';
import { ANY, decideDirection } from './decide.js';
import type { DecisionRecorder, DirectionQuery, PeerMatchCache } from './decide.js';
import type { Endpoint } from './endpoint.js';
import { matchesSelector } from './selector.js';

const NONE = -2;

/** Receives what the cluster tiers said, on top of the NetworkPolicy reasons. */
export interface TierRecorder extends DecisionRecorder {
  /** No policy of the tier selects the pod with rules for this direction. */
  tierSkipped(tier: ClusterTier): void;
  /** Policies select the pod but none of their rules matched. */
  tierUnmatched(tier: ClusterTier, policies: readonly CompiledClusterPolicy[]): void;
  /** `peer` and `port` are indexes in the rule's lists, or ANY for a rule without ports. */
  tierMatched(
    tier: ClusterTier,
    policy: CompiledClusterPolicy,
    rule: CompiledClusterRule,
    peer: number,
    port: number,
  ): void;
}

export function decideWithTiers(
  direction: 'ingress' | 'egress',
  query: DirectionQuery,
  cache: PeerMatchCache,
  recorder?: TierRecorder,
): boolean {
  const target = query.target;
  // Host-network pods, nodes and outside addresses are never subjects: decideDirection says so.
  if (target.kind !== 'pod') return decideDirection(direction, query, cache, recorder);
  const ingress = direction === 'ingress';
  const admin = tierAction(
    'Admin',
    ingress ? target.adminIngress : target.adminEgress,
    ingress,
    query,
    cache,
    recorder,
  );
  if (admin !== 'Pass') return finalAction(admin, recorder);
  // The NetworkPolicy tier decides for every pod a NetworkPolicy isolates in this direction.
  if ((ingress ? target.ingressPolicies : target.egressPolicies).length > 0)
    return decideDirection(direction, query, cache, recorder);
  recorder?.decided('notIsolated');
  const baseline = tierAction(
    'Baseline',
    ingress ? target.baselineIngress : target.baselineEgress,
    ingress,
    query,
    cache,
    recorder,
  );
  // Pass or no match in the last tier: the default, allowed ('notIsolated' stays the decision).
  return baseline === 'Pass' ? true : finalAction(baseline, recorder);
}

function finalAction(action: 'Accept' | 'Deny', recorder: TierRecorder | undefined): boolean {
  recorder?.decided(action === 'Accept' ? 'acceptedByClusterPolicy' : 'deniedByClusterPolicy');
  return action === 'Accept';
}

/** The action of the first matching rule of the tier; `Pass` when none matches. */
function tierAction(
  tier: ClusterTier,
  policies: readonly CompiledClusterPolicy[],
  ingress: boolean,
  query: DirectionQuery,
  cache: PeerMatchCache,
  recorder: TierRecorder | undefined,
): ClusterAction {
  if (policies.length === 0) {
    recorder?.tierSkipped(tier);
    return 'Pass';
  }
  for (let p = 0; p < policies.length; p++) {
    const compiled = policies[p] as CompiledClusterPolicy;
    const rules = ingress ? compiled.ingress : compiled.egress;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r] as CompiledClusterRule;
      const port = firstMatchingPort(rule.ports, query);
      if (port === NONE) continue;
      const peer = firstMatchingPeer(rule.peers, query, cache);
      if (peer === NONE) continue;
      recorder?.tierMatched(tier, compiled, rule, peer, port);
      return rule.action;
    }
  }
  recorder?.tierUnmatched(tier, policies);
  return 'Pass';
}

function firstMatchingPort(ports: readonly ClusterPort[] | undefined, query: DirectionQuery): number {
  if (ports === undefined) return ANY;
  for (let i = 0; i < ports.length; i++) if (portMatches(ports[i] as ClusterPort, query)) return i;
  return NONE;
}

function portMatches(rule: ClusterPort, { destination, port, protocol }: DirectionQuery): boolean {
  switch (rule.kind) {
    case 'number':
      return rule.protocol === protocol && rule.port === port;
    case 'range':
      return rule.protocol === protocol && port >= rule.start && port <= rule.end;
    case 'named':
      return namedPortIs(destination, rule.name, protocol, port);
  }
}

/**
 * The destination pod declares a container port of that name, with the traffic's protocol
 * and number (kube-network-policies compares all three). Addresses have no named ports.
 */
function namedPortIs(destination: Endpoint, name: string, protocol: Protocol, port: number): boolean {
  if (destination.kind !== 'pod' || destination.pod === undefined) return false;
  for (const declared of destination.pod.ports)
    if (declared.name === name && declared.protocol === protocol && declared.port === port) return true;
  return false;
}

function firstMatchingPeer(
  peers: readonly CompiledClusterPeer[],
  query: DirectionQuery,
  cache: PeerMatchCache,
): number {
  for (let i = 0; i < peers.length; i++)
    if (peerMatches(peers[i] as CompiledClusterPeer, query, cache)) return i;
  return NONE;
}

function peerMatches(peer: CompiledClusterPeer, query: DirectionQuery, cache: PeerMatchCache): boolean {
  const other = query.other;
  switch (peer.kind) {
    case 'pods':
      // Pods on the pod network only: never a host-network pod, a node or an outside address.
      return cache.matches(peer, other);
    case 'networks':
      return networksMatch(peer.cidrs, query);
    case 'nodes':
      // A node's addresses, which host-network pods share.
      return other.nodeLabels !== undefined && matchesSelector(peer.selector, other.nodeLabels);
    case 'domainNames':
      return false;
  }
}

/** Any address of the traffic's family: pods', nodes' and outside ones alike. */
function networksMatch(cidrs: readonly Cidr[], { other, family }: DirectionQuery): boolean {
  for (const cidr of cidrs) {
    if (cidr.family !== family) continue;
    if (family === 4) {
      if (other.ip4 >= 0 && ipv4InCidr(cidr, other.ip4)) return true;
    } else if (other.ip6 !== undefined && ipv6InCidr(cidr, other.ip6)) return true;
  }
  return false;
}
