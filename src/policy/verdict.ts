/**
 * The policy engine: a cluster indexed once, then asked about traffic. `verdict` explains
 * (cyclonus' DirectionResult, per direction); `allows` only answers. Both run the same
 * decision, `decideDirection`.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import type { IpFamily } from '../shared/index.js';
import type { ClusterState, Pod, UnmodelledPolicy } from './cluster.js';
import { ClusterIndex } from './cluster-index.js';
import type { ClusterAction, ClusterPolicyRef, ClusterTier, Tier } from './cluster-policy.js';
import { compilePolicies } from './compile.js';
import { compileClusterPolicies } from './compile-cluster.js';
import type { CompiledClusterPolicy, CompiledClusterRule } from './compile-cluster.js';
import { ANY, decideDirection, PeerMatchCache } from './decide.js';
import type { DirectionDecision, DirectionQuery } from './decide.js';
import { decideWithTiers } from './decide-tiers.js';
import type { TierRecorder } from './decide-tiers.js';
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
  /** What each tier said; present only when the state holds cluster policies. */
  readonly tiers?: TierTrail;
}

/** What one tier said about one direction. */
export type TierStep =
  /** No policy of the tier selects the pod with rules for this direction. */
  | { readonly tier: ClusterTier; readonly outcome: 'noPolicy' }
  /** These policies select the pod; none of their rules matched. */
  | {
      readonly tier: ClusterTier;
      readonly outcome: 'noMatch';
      readonly policies: readonly ClusterPolicyRef[];
    }
  /** The first matching rule, by tier order: its policy, index, name and action. */
  | {
      readonly tier: ClusterTier;
      readonly outcome: 'matched';
      readonly action: ClusterAction;
      readonly policy: ClusterPolicyRef;
      readonly rule: number;
      readonly ruleName?: string;
      /** Index in the rule's from/to list. */
      readonly peer: number;
      /** Index in the rule's ports (v1alpha1) or protocols (v1alpha2), or `anyPort`. */
      readonly port: number | 'anyPort';
    }
  /** The NetworkPolicy tier: isolated (and then admitted, denied, own node) or not. */
  | { readonly tier: 'NetworkPolicy'; readonly outcome: 'notIsolated' | 'ownNode' | 'admitted' | 'denied' };

export interface TierTrail {
  /** The tier whose answer stood, or `default` (allowed: no tier decided, or no tier applies). */
  readonly decidedBy: Tier | 'default';
  /** In the order the tiers were asked. */
  readonly steps: readonly TierStep[];
}

export interface PolicyVerdict {
  /** "Both the egress policy on the source pod and the ingress policy on the destination pod need to allow the connection." */
  readonly allowed: boolean;
  /** Decided by the source's policies. */
  readonly egress: DirectionVerdict;
  /** Decided by the destination's policies. */
  readonly ingress: DirectionVerdict;
  /**
   * Policies of kinds the model does not know that could apply here (cluster-wide ones, or
   * namespaced ones in the source's or destination's namespace); present only when the
   * state holds any. The verdict may be wrong when they do.
   */
  readonly unmodelled?: readonly UnmodelledPolicy[];
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

  /** Whether cluster policies take part: then directions are decided in tiers. */
  private readonly tiered: boolean;
  private readonly unmodelled: readonly UnmodelledPolicy[];

  constructor(state: ClusterState) {
    const compiled = compilePolicies(state.policies);
    const cluster = compileClusterPolicies(state.clusterPolicies ?? [], compiled.podPeerCount);
    this.problems = compiled.problems;
    this.tiered = (state.clusterPolicies ?? []).length > 0;
    this.unmodelled = state.unmodelledPolicies ?? [];
    this.index = new ClusterIndex(state, compiled.policies, cluster);
    this.cache = new PeerMatchCache(cluster.nextPeerId, this.index.slots);
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
    const egressRecorder = new VerdictRecorder('egress', this.tiered);
    const ingressRecorder = new VerdictRecorder('ingress', this.tiered);
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
    const unmodelled = this.unmodelledAround(source.endpoint, destination.endpoint);
    return {
      allowed: egressAllowed && ingressAllowed,
      egress: egressRecorder.result(egressAllowed),
      ingress: ingressRecorder.result(ingressAllowed),
      ...(unmodelled === undefined ? {} : { unmodelled }),
    };
  }

  private unmodelledAround(source: Endpoint, destination: Endpoint): UnmodelledPolicy[] | undefined {
    if (this.unmodelled.length === 0) return undefined;
    const namespaces = [source.pod?.namespace, destination.pod?.namespace];
    return this.unmodelled.filter((p) => p.namespace === undefined || namespaces.includes(p.namespace));
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
    recorder?: TierRecorder,
  ): boolean {
    const query = this.query;
    query.target = target;
    query.other = other;
    query.destination = direction === 'ingress' ? target : other;
    query.family = family;
    query.port = traffic.port;
    query.protocol = traffic.protocol;
    return this.tiered
      ? decideWithTiers(direction, query, this.cache, recorder)
      : decideDirection(direction, query, this.cache, recorder);
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

const NETWORK_POLICY_OUTCOMES: ReadonlySet<DirectionDecision> = new Set([
  'notIsolated',
  'ownNode',
  'admitted',
  'denied',
]);

class VerdictRecorder implements TierRecorder {
  private decision: DirectionDecision = 'notAPod';
  private readonly isolating: PolicyRef[] = [];
  private readonly admitting: RuleMatch[] = [];
  private readonly steps: TierStep[] = [];

  constructor(
    private readonly direction: Direction,
    private readonly withTiers: boolean,
  ) {}

  decided(decision: DirectionDecision): void {
    this.decision = decision;
    if (this.withTiers && NETWORK_POLICY_OUTCOMES.has(decision))
      this.steps.push({
        tier: 'NetworkPolicy',
        outcome: decision as 'notIsolated' | 'ownNode' | 'admitted' | 'denied',
      });
  }

  tierSkipped(tier: ClusterTier): void {
    this.steps.push({ tier, outcome: 'noPolicy' });
  }

  tierUnmatched(tier: ClusterTier, policies: readonly CompiledClusterPolicy[]): void {
    this.steps.push({ tier, outcome: 'noMatch', policies: policies.map((c) => c.policy.ref) });
  }

  tierMatched(
    tier: ClusterTier,
    compiled: CompiledClusterPolicy,
    rule: CompiledClusterRule,
    peer: number,
    port: number,
  ): void {
    this.steps.push({
      tier,
      outcome: 'matched',
      action: rule.action,
      policy: compiled.policy.ref,
      rule: rule.index,
      ...(rule.name === undefined ? {} : { ruleName: rule.name }),
      peer,
      port: port === ANY ? 'anyPort' : port,
    });
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
      ...(this.withTiers ? { tiers: { decidedBy: this.decidedBy(), steps: this.steps } } : {}),
    };
  }

  /** The tier of the last step when it decided; otherwise the default allowed it. */
  private decidedBy(): Tier | 'default' {
    const last = this.steps[this.steps.length - 1];
    if (last === undefined) return 'default';
    if (last.tier === 'NetworkPolicy') return last.outcome === 'notIsolated' ? 'default' : 'NetworkPolicy';
    return last.outcome === 'matched' && last.action !== 'Pass' ? last.tier : 'default';
  }
}
