/**
 * The decision, in the spec's steps and order, shared by `verdict` (which records
 * reasons) and `allows` (which does not, and stops at the first admitting rule).
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
 */
import { ipv4InCidr, ipv6InCidr } from '../shared/index.js';
import type { IpFamily } from '../shared/index.js';
import type { Protocol } from './cluster.js';
import type { CompiledPeer, CompiledPolicy, CompiledRule } from './compile.js';
import type { Endpoint } from './endpoint.js';
import { assertNever } from '../shared/index.js';
import type { NamespaceMatcher, NetworkPolicy, PodMatcher, PortRule } from './policy.js';
import { matchesSelector } from './selector.js';

/** How one direction was decided: one case per step of the spec that can end it. */
export type DirectionDecision =
  /** Step 1: the endpoint on this side is an address (outside or a node): only pods are isolated. */
  | 'notAPod'
  /** Step 1: a hostNetwork pod: no policy selects it. */
  | 'hostNetwork'
  /** Step 2: no policy selecting the pod has this direction in its policyTypes. */
  | 'notIsolated'
  /** Step 3: traffic between a pod and its own node is always allowed. */
  | 'ownNode'
  /** Step 4: at least one rule of an isolating policy admits the traffic. */
  | 'admitted'
  /** Step 4: no rule of any isolating policy does. */
  | 'denied'
  /** A cluster policy (Admin, or Baseline for a pod no NetworkPolicy isolates) accepted it. */
  | 'acceptedByClusterPolicy'
  /** A cluster policy denied it. */
  | 'deniedByClusterPolicy';

/** In rule-match reasons: the rule had no `from`/`to` (any peer) or no `ports` (any port). */
export const ANY = -1;
const NONE = -2;

/** Receives the reasons as the decision goes; absent when only the answer is wanted. */
export interface DecisionRecorder {
  decided(decision: DirectionDecision): void;
  isolatedBy(policy: NetworkPolicy): void;
  /** `peer` and `port` are indexes in the rule's lists, or ANY. */
  admittedBy(policy: NetworkPolicy, rule: number, peer: number, port: number): void;
}

/** Remembers whether a pod peer matches a pod: 0 unknown, 1 match, 2 no match. */
export class PeerMatchCache {
  private readonly cells: Uint8Array | undefined;

  constructor(
    peers: number,
    private readonly slots: number,
    maxBytes = 64 * 1024 * 1024,
  ) {
    this.cells = peers * slots <= maxBytes ? new Uint8Array(peers * slots) : undefined;
  }

  matches(peer: CompiledPeer & { kind: 'pods' }, other: Endpoint): boolean {
    if (this.cells === undefined || other.slot < 0) return podPeerMatches(peer, other);
    const cell = peer.id * this.slots + other.slot;
    const known = this.cells[cell];
    if (known !== 0) return known === 1;
    const matched = podPeerMatches(peer, other);
    this.cells[cell] = matched ? 1 : 2;
    return matched;
  }
}

/** What one direction is asked: `target` is the side whose policies decide, `other` the peer. */
export interface DirectionQuery {
  readonly target: Endpoint;
  readonly other: Endpoint;
  /** Named ports resolve on the destination pod, whichever side decides. */
  readonly destination: Endpoint;
  /** The address family the traffic uses, for ipBlock peers; 0 when unknown. */
  readonly family: IpFamily | 0;
  readonly port: number;
  readonly protocol: Protocol;
}

export function decideDirection(
  direction: 'ingress' | 'egress',
  query: DirectionQuery,
  cache: PeerMatchCache,
  recorder?: DecisionRecorder,
): boolean {
  const { target, other } = query;
  // 1. Isolation is a property of pods; hostNetwork pods are never selected.
  switch (target.kind) {
    case 'pod':
      break;
    case 'hostNetwork':
      recorder?.decided('hostNetwork');
      return true;
    case 'node':
    case 'outside':
      recorder?.decided('notAPod');
      return true;
    default:
      return assertNever(target.kind);
  }
  // 2. "By default, a pod is non-isolated": isolated for a direction only when a policy
  //    that selects it has that direction in its policyTypes.
  const policies = direction === 'ingress' ? target.ingressPolicies : target.egressPolicies;
  if (policies.length === 0) {
    recorder?.decided('notIsolated');
    return true;
  }
  if (recorder !== undefined) for (const compiled of policies) recorder.isolatedBy(compiled.policy);
  // 3. "Traffic to and from the node where a Pod is running is always allowed."
  if (isOwnNode(target, other)) {
    recorder?.decided('ownNode');
    return true;
  }
  // 4. Policies are additive: allowed when any rule of any isolating policy admits it.
  let admitted = false;
  for (let p = 0; p < policies.length; p++) {
    const compiled = policies[p] as CompiledPolicy;
    const rules = (direction === 'ingress' ? compiled.ingress : compiled.egress) ?? [];
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r] as CompiledRule;
      const port = firstMatchingPort(rule, query);
      if (port === NONE) continue;
      const peer = firstMatchingPeer(rule, query, cache);
      if (peer === NONE) continue;
      if (recorder === undefined) return true;
      recorder.admittedBy(compiled.policy, rule.index, peer, port);
      admitted = true;
    }
  }
  recorder?.decided(admitted ? 'admitted' : 'denied');
  return admitted;
}

/** The other side is the target pod's own node, or a hostNetwork pod on it. */
function isOwnNode(target: Endpoint, other: Endpoint): boolean {
  return (
    (other.kind === 'node' || other.kind === 'hostNetwork') &&
    other.nodeName !== undefined &&
    other.nodeName === target.nodeName
  );
}

function firstMatchingPort(rule: CompiledRule, query: DirectionQuery): number {
  const ports = rule.ports;
  if (ports === undefined) return ANY;
  for (let i = 0; i < ports.length; i++) {
    if (portRuleMatches(ports[i] as PortRule, query)) return i;
  }
  return NONE;
}

function portRuleMatches(rule: PortRule, { destination, port, protocol }: DirectionQuery): boolean {
  if (rule.protocol !== protocol) return false;
  switch (rule.kind) {
    case 'allPortsOf':
      return true;
    case 'number':
      return rule.endPort === undefined ? port === rule.port : port >= rule.port && port <= rule.endPort;
    case 'named':
      return namedPortIs(destination, rule.name, protocol, port);
    default:
      return assertNever(rule);
  }
}

/**
 * A named port is the destination pod's container port of that name AND protocol. An
 * address (or a hostNetwork pod, which counts as its node) has no named ports.
 */
function namedPortIs(destination: Endpoint, name: string, protocol: Protocol, port: number): boolean {
  if (destination.kind !== 'pod' || destination.pod === undefined) return false;
  for (const declared of destination.pod.ports) {
    if (declared.name === name && declared.protocol === protocol) return declared.port === port;
  }
  return false;
}

function firstMatchingPeer(rule: CompiledRule, query: DirectionQuery, cache: PeerMatchCache): number {
  const peers = rule.peers;
  if (peers === undefined) return ANY;
  for (let i = 0; i < peers.length; i++) {
    const peer = peers[i] as CompiledPeer;
    if (peer.kind === 'pods' ? cache.matches(peer, query.other) : ipBlockMatches(peer, query)) return i;
  }
  return NONE;
}

/**
 * Pod peers match pods on the pod network only: never an outside address, a node, or a
 * hostNetwork pod. namespaceSelector and podSelector in one peer must both match.
 */
function podPeerMatches(peer: CompiledPeer & { kind: 'pods' }, other: Endpoint): boolean {
  if (other.kind !== 'pod' || other.pod === undefined) return false;
  return namespaceMatches(peer.namespaces, other) && podMatches(peer.pods, other.pod.labels);
}

function namespaceMatches(matcher: NamespaceMatcher, other: Endpoint): boolean {
  switch (matcher.kind) {
    case 'own':
      return other.pod?.namespace === matcher.namespace;
    case 'all':
      return true;
    case 'labelled':
      return matchesSelector(matcher.selector, other.namespaceLabels);
    default:
      return assertNever(matcher);
  }
}

function podMatches(matcher: PodMatcher, labels: Endpoint['namespaceLabels']): boolean {
  switch (matcher.kind) {
    case 'all':
      return true;
    case 'labelled':
      return matchesSelector(matcher.selector, labels);
    default:
      return assertNever(matcher);
  }
}

/**
 * The spec meant ipBlock for cluster-external addresses ("pod IPs are ephemeral"), but
 * most plugins match it against any source or destination IP, pods' included. We do as
 * Calico does: an ipBlock matches any address of the traffic's family, pod IPs, node IPs
 * and hostNetwork pods included, unless an `except` block holds it.
 */
function ipBlockMatches(
  peer: CompiledPeer & { kind: 'ipBlock' },
  { other, family }: DirectionQuery,
): boolean {
  const cidr = peer.cidr;
  if (cidr === undefined || cidr.family !== family) return false;
  if (family === 4) {
    const ip = other.ip4;
    if (ip < 0 || !ipv4InCidr(cidr, ip)) return false;
    for (const except of peer.except) if (ipv4InCidr(except, ip)) return false;
    return true;
  }
  const ip = other.ip6;
  if (ip === undefined || !ipv6InCidr(cidr, ip)) return false;
  for (const except of peer.except) if (ipv6InCidr(except, ip)) return false;
  return true;
}
