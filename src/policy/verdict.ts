/**
 * The policy engine: a cluster indexed once, then asked about traffic. `verdict` explains
 * (cyclonus' DirectionResult, per direction); `allows` only answers. Both run the same
 * decision, `decideDirection`.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import type { IpFamily } from './address.js';
import type { ClusterState, Pod } from './cluster.js';
import { ClusterIndex } from './cluster-index.js';
import { compilePolicies } from './compile.js';
import { ANY, decideDirection, PeerMatchCache } from './decide.js';
import type { DecisionRecorder, DirectionDecision, DirectionQuery } from './decide.js';
import { addressEndpoint } from './endpoint.js';
import type { Endpoint, ResolvedEndpoint } from './endpoint.js';
import type { Direction, NetworkPolicy, PolicyRef } from './policy.js';
import type { Traffic, TrafficEndpoint } from './traffic.js';

export type { DirectionDecision } from './decide.js';

/** One rule that admitted the traffic. */
export interface RuleMatch {
  readonly policy: PolicyRef;
  /** Index in the policy's ingress or egress list. */
  readonly rule: number;
  /** Index in the rule's from/to list, or `anyPeer` when the rule lists none. */
  readonly peer: number | 'anyPeer';
  /** Index in the rule's ports list, or `anyPort` when the rule lists none. */
  readonly port: number | 'anyPort';
}

export interface DirectionVerdict {
  readonly direction: Direction;
  readonly decision: DirectionDecision;
  /** Whether policies can apply at all: the endpoint on this side is a pod on the pod network. */
  readonly applies: boolean;
  /** Policies that select the pod and isolate it in this direction. */
  readonly isolatedBy: readonly PolicyRef[];
  /** Every rule that admitted the traffic (all of them, not just the first). */
  readonly admittedBy: readonly RuleMatch[];
  readonly allowed: boolean;
}

export interface PolicyVerdict {
  /** "Both the egress policy on the source pod and the ingress policy on the destination pod need to allow the connection." */
  readonly allowed: boolean;
  /** Decided by the source's policies. */
  readonly egress: DirectionVerdict;
  /** Decided by the destination's policies. */
  readonly ingress: DirectionVerdict;
}

/** A placeholder until the first query fills the reused query in. */
const NOWHERE: Endpoint = addressEndpoint('outside', undefined);

export class PolicyEngine {
  private readonly index: ClusterIndex;
  private readonly cache: PeerMatchCache;
  /** Texts in the state's policies that were not CIDRs; such ipBlocks match nothing. */
  readonly problems: readonly string[];
  /** Reused by every query so that `allows` allocates nothing. */
  private readonly query: MutableQuery = {
    target: NOWHERE,
    other: NOWHERE,
    destination: NOWHERE,
    family: 0,
    port: 0,
    protocol: 'TCP',
  };

  constructor(state: ClusterState) {
    const compiled = compilePolicies(state.policies);
    this.problems = compiled.problems;
    this.index = new ClusterIndex(state, compiled.policies);
    this.cache = new PeerMatchCache(compiled.podPeerCount, this.index.slots);
  }

  allows(traffic: Traffic): boolean {
    const source = this.resolve(traffic.source);
    const destination = this.resolve(traffic.destination);
    const family = trafficFamily(source, destination);
    return (
      this.decide('egress', source.endpoint, destination.endpoint, family, traffic) &&
      this.decide('ingress', destination.endpoint, source.endpoint, family, traffic)
    );
  }

  verdict(traffic: Traffic): PolicyVerdict {
    const source = this.resolve(traffic.source);
    const destination = this.resolve(traffic.destination);
    const family = trafficFamily(source, destination);
    const egressRecorder = new VerdictRecorder('egress');
    const ingressRecorder = new VerdictRecorder('ingress');
    const egressAllowed = this.decide(
      'egress',
      source.endpoint,
      destination.endpoint,
      family,
      traffic,
      egressRecorder,
    );
    const ingressAllowed = this.decide(
      'ingress',
      destination.endpoint,
      source.endpoint,
      family,
      traffic,
      ingressRecorder,
    );
    return {
      allowed: egressAllowed && ingressAllowed,
      egress: egressRecorder.result(egressAllowed),
      ingress: ingressRecorder.result(ingressAllowed),
    };
  }

  /** The policies that select `pod` and isolate it in `direction` (none for hostNetwork pods). */
  policiesSelecting(pod: Pod, direction: Direction): readonly NetworkPolicy[] {
    const selecting = this.index.policiesSelecting(pod);
    return (direction === 'ingress' ? selecting.ingress : selecting.egress).map(
      (compiled) => compiled.policy,
    );
  }

  private resolve(endpoint: TrafficEndpoint): ResolvedEndpoint {
    return endpoint.kind === 'pod'
      ? this.index.resolvePod(endpoint.pod)
      : this.index.resolveAddress(endpoint.ip);
  }

  private decide(
    direction: Direction,
    target: Endpoint,
    other: Endpoint,
    family: IpFamily | 0,
    traffic: Traffic,
    recorder?: DecisionRecorder,
  ): boolean {
    const query = this.query;
    query.target = target;
    query.other = other;
    query.destination = direction === 'ingress' ? target : other;
    query.family = family;
    query.port = traffic.port;
    query.protocol = traffic.protocol;
    return decideDirection(direction, query, this.cache, recorder);
  }
}

type MutableQuery = { -readonly [K in keyof DirectionQuery]: DirectionQuery[K] };

/**
 * The family the packets use: that of an address the query names (destination first),
 * else the destination pod's primary address family, else the source's.
 */
function trafficFamily(source: ResolvedEndpoint, destination: ResolvedEndpoint): IpFamily | 0 {
  if (destination.byAddress) return destination.family;
  if (source.byAddress) return source.family;
  return destination.family || source.family;
}

class VerdictRecorder implements DecisionRecorder {
  private decision: DirectionDecision = 'notAPod';
  private readonly isolating: PolicyRef[] = [];
  private readonly admitting: RuleMatch[] = [];

  constructor(private readonly direction: Direction) {}

  decided(decision: DirectionDecision): void {
    this.decision = decision;
  }

  isolatedBy(policy: NetworkPolicy): void {
    this.isolating.push(policy.ref);
  }

  admittedBy(policy: NetworkPolicy, rule: number, peer: number, port: number): void {
    this.admitting.push({
      policy: policy.ref,
      rule,
      peer: peer === ANY ? 'anyPeer' : peer,
      port: port === ANY ? 'anyPort' : port,
    });
  }

  result(allowed: boolean): DirectionVerdict {
    return {
      direction: this.direction,
      decision: this.decision,
      applies: this.decision !== 'notAPod' && this.decision !== 'hostNetwork',
      isolatedBy: this.isolating,
      admittedBy: this.admitting,
      allowed,
    };
  }
}
