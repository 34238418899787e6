/**
 * Where a cluster policy and the NetworkPolicies of the same pods meet, one case per rule
 * that shows the tiers at work:
 *
 * - an Admin Accept or Deny that overrides what the NetworkPolicies say (a Deny of traffic
 *   a NetworkPolicy admits: `admin-overrides-networkpolicy`);
 * - an Admin Pass that lets the NetworkPolicies decide (`pass-to-networkpolicy`);
 * - a Baseline Accept or Deny that a NetworkPolicy isolating the pod overrides
 *   (`networkpolicy-overrides-baseline`).
 *
 * The pair is searched among the pods a NetworkPolicy isolates and the subject selects,
 * and the pods the rule's peers and the NetworkPolicies' peers name; the model is asked
 * with and without the other tier, so a case carries its tag only when the tiers really
 * do what the tag says. What the case expects is settled like every other case.
 */
import type {
  ClusterPolicy,
  ClusterRule,
  ClusterState,
  Direction,
  DirectionVerdict,
  NamespaceSelection,
  NetworkPolicy,
  Pod,
  PolicyRef,
  PortMatcher,
  Protocol,
  TierStep,
} from '../policy/index.js';
import { matchesSelector, PolicyEngine } from '../policy/index.js';
import type { EndpointSpec } from '../suite/index.js';
import type { ClusterView } from './cluster-view.js';
import { orderedClusterPolicies } from './cluster-policy-cases.js';
import type { RuleOrigin } from './cluster-rule-context.js';
import { clusterRulePlace, makeClusterCase, portMatcherOf, subjectPeer } from './cluster-rule-context.js';
import type { GeneratedCase, PortChoice } from './generated-case.js';
import { narrowEndpoint } from './narrow-endpoint.js';
import type { PodPeer } from './peer-endpoint.js';
import { peerEndpoint, podsEndpoint } from './peer-endpoint.js';
import { cidrOf, contains } from './pick-address.js';
import { DEFAULT_PORT, firstAdmittedPort, protocolTags } from './port-choice.js';
import type { FeatureTag } from './tags.js';

type CrossTierKind = Extract<
  FeatureTag,
  'admin-overrides-networkpolicy' | 'pass-to-networkpolicy' | 'networkpolicy-overrides-baseline'
>;

/** Pods tried on each side per rule: enough to find a pair where one exists, bounded for large clusters. */
const SUBJECT_PODS = 4;
const OTHER_PODS = 8;
/**
 * Pairs and ports asked about per rule. Where a pair exists it is nearly always among the
 * first few (in the 5,000-pod benchmark, by the 79th at most); a rule without one would
 * otherwise ask about every combination.
 */
const MAX_QUESTIONS = 96;

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

export function crossTierCases(state: ClusterState, view: ClusterView): GeneratedCase[] {
  const policies = orderedClusterPolicies(state);
  if (policies.length === 0 || state.policies.length === 0) return [];
  const search = new WitnessSearch(state, view);
  const cases: GeneratedCase[] = [];
  for (const policy of policies) {
    for (const direction of DIRECTIONS) {
      for (const rule of policy[direction]) {
        const found = search.find({ policy, direction, rule });
        if (found !== undefined) cases.push(found);
      }
    }
  }
  return cases;
}

function kindOf(policy: ClusterPolicy, rule: ClusterRule): CrossTierKind | undefined {
  if (policy.tier === 'Admin')
    return rule.action === 'Pass' ? 'pass-to-networkpolicy' : 'admin-overrides-networkpolicy';
  return rule.action === 'Pass' ? undefined : 'networkpolicy-overrides-baseline';
}

/** A pair and a port, with the NetworkPolicy the case is about. */
interface Witness {
  readonly other: Pod;
  readonly subject: Pod;
  readonly port: number;
  readonly protocol: Protocol;
  readonly networkPolicy: PolicyRef;
}

class WitnessSearch {
  /** The whole state; the NetworkPolicy tier alone and the cluster policies alone, built when first asked. */
  private readonly full: PolicyEngine;
  private networkPoliciesOnly: PolicyEngine | undefined;
  private clusterPoliciesOnly: PolicyEngine | undefined;
  /** Every pod, in the view's order. */
  private readonly pods: readonly Pod[];
  /** The NetworkPolicies of each namespace. */
  private readonly networkPolicies: ReadonlyMap<string, readonly NetworkPolicy[]>;
  constructor(
    private readonly state: ClusterState,
    private readonly view: ClusterView,
  ) {
    this.full = new PolicyEngine(state);
    const byNamespace = new Map<string, NetworkPolicy[]>();
    for (const policy of state.policies) {
      const list = byNamespace.get(policy.target.namespace);
      if (list === undefined) byNamespace.set(policy.target.namespace, [policy]);
      else list.push(policy);
    }
    this.networkPolicies = byNamespace;
    this.pods = view.namespaces.flatMap((ns) =>
      view.podsMatching(podsEndpoint({ kind: 'name', name: ns.name }, { kind: 'all' })),
    );
  }

  find(origin: RuleOrigin): GeneratedCase | undefined {
    const kind = kindOf(origin.policy, origin.rule);
    if (kind === undefined) return undefined;
    let asked = 0;
    for (const subject of this.subjects(origin)) {
      for (const other of this.otherPods(origin, subject)) {
        for (const { port, protocol } of this.ports(origin, subject, other)) {
          if (++asked > MAX_QUESTIONS) return undefined;
          const witness = this.check(kind, origin, subject, other, port, protocol);
          if (witness !== undefined) return witnessCase(kind, origin, witness, this.view);
        }
      }
    }
    return undefined;
  }

  /** The first few pods the subject selects and a NetworkPolicy isolates in the rule's direction. */
  private subjects(origin: RuleOrigin): Pod[] {
    const subject = subjectPeer(origin.policy.subject);
    const found: Pod[] = [];
    for (const pod of this.pods) {
      if (!this.selects(subject, pod) || this.isolating(pod, origin.direction).length === 0) continue;
      found.push(pod);
      if (found.length === SUBJECT_PODS) break;
    }
    return found;
  }

  /** The NetworkPolicies that select the pod and isolate it in the direction (none for host-network pods). */
  private isolating(pod: Pod, direction: Direction): NetworkPolicy[] {
    if (pod.hostNetwork) return [];
    return (this.networkPolicies.get(pod.namespace) ?? []).filter(
      (policy) => policy[direction] !== undefined && matchesSelector(policy.target.podSelector, pod.labels),
    );
  }

  /** Subjects and `pods`/`namespaces` peers select pods on the pod network alike. */
  private selects(peer: PodPeer, pod: Pod): boolean {
    if (pod.hostNetwork || peer.namespaces.kind === 'own') return false;
    const namespace = this.view.namespace(pod.namespace);
    if (namespace === undefined || !selectionMatches(peer.namespaces, namespace.labels)) return false;
    return peer.pods.kind === 'all' || matchesSelector(peer.pods.selector, pod.labels);
  }

  /** Pods the rule's peers name, then pods the NetworkPolicies isolating the subject admit. */
  private otherPods(origin: RuleOrigin, subject: Pod): Pod[] {
    const specs: EndpointSpec[] = [];
    for (const peer of origin.rule.peers)
      if (peer.kind === 'pods' || peer.kind === 'namespaces') specs.push(peerEndpoint(subjectPeer(peer)));
    for (const policy of this.isolating(subject, origin.direction)) {
      for (const rule of policy[origin.direction] ?? []) {
        if (rule.peers.kind === 'anyPeer') specs.push(podsEndpoint({ kind: 'all' }, { kind: 'all' }));
        else for (const peer of rule.peers.peers) if (peer.kind === 'pods') specs.push(peerEndpoint(peer));
      }
    }
    const found = new Set<Pod>();
    for (const spec of specs)
      for (const pod of this.view.podsMatching(spec, OTHER_PODS))
        if (pod !== subject && pod.ips.length > 0 && this.ruleMatches(origin.rule, pod)) found.add(pod);
    return [...found];
  }

  /**
   * Whether one of the rule's peers matches the pod: every kind of case needs the rule to
   * match, and this is far cheaper than asking the model why.
   */
  private ruleMatches(rule: ClusterRule, pod: Pod): boolean {
    return rule.peers.some((peer) => {
      switch (peer.kind) {
        case 'pods':
        case 'namespaces':
          return this.selects(subjectPeer(peer), pod);
        case 'networks':
          return peer.cidrs.some((text) => {
            const block = cidrOf(text);
            return block !== undefined && pod.ips.some((ip) => contains(block, ip));
          });
        case 'nodes': {
          const node = this.view.state.nodes.find((n) => n.name === pod.nodeName);
          return pod.hostNetwork && node !== undefined && matchesSelector(peer.nodes, node.labels);
        }
        case 'domainNames':
          return false;
      }
    });
  }

  /** The rule's first port, then the first port of each NetworkPolicy rule, on the destination pod. */
  private ports(origin: RuleOrigin, subject: Pod, other: Pod): { port: number; protocol: Protocol }[] {
    const destination = origin.direction === 'ingress' ? subject : other;
    const target = { kind: 'pods', pods: [destination] } as const;
    const matchers: PortMatcher[] = [portMatcherOf(origin.rule.ports, target)];
    for (const policy of this.isolating(subject, origin.direction))
      for (const rule of policy[origin.direction] ?? []) matchers.push(rule.ports);
    const seen = new Map<string, { port: number; protocol: Protocol }>();
    for (const matcher of matchers) {
      const resolved = resolvedPort(firstAdmittedPort(matcher, target), destination);
      if (resolved !== undefined) seen.set(`${resolved.port}/${resolved.protocol}`, resolved);
    }
    return [...seen.values()];
  }

  private check(
    kind: CrossTierKind,
    origin: RuleOrigin,
    subject: Pod,
    other: Pod,
    port: number,
    protocol: Protocol,
  ): Witness | undefined {
    const ingress = origin.direction === 'ingress';
    const traffic = {
      source: { kind: 'pod', pod: ingress ? other : subject },
      destination: { kind: 'pod', pod: ingress ? subject : other },
      port,
      protocol,
    } as const;
    const side = (engine: PolicyEngine): DirectionVerdict => engine.verdict(traffic)[origin.direction];
    const full = side(this.full);
    const step = (verdict: DirectionVerdict): TierStep | undefined =>
      verdict.tiers?.steps.find((s) => s.outcome === 'matched' && s.tier === origin.policy.tier);
    const ours = (s: TierStep | undefined): boolean =>
      s !== undefined &&
      s.outcome === 'matched' &&
      s.policy.kind === origin.policy.ref.kind &&
      s.policy.name === origin.policy.ref.name &&
      s.rule === origin.rule.index;
    const found = (networkPolicy: PolicyRef | undefined): Witness | undefined =>
      networkPolicy === undefined ? undefined : { other, subject, port, protocol, networkPolicy };
    switch (kind) {
      case 'admin-overrides-networkpolicy': {
        if (!ours(step(full)) || full.tiers?.decidedBy !== 'Admin') return undefined;
        this.networkPoliciesOnly ??= new PolicyEngine({ ...this.state, clusterPolicies: [] });
        const alone = side(this.networkPoliciesOnly);
        return alone.isolatedBy.length > 0 && alone.allowed !== full.allowed
          ? found(alone.isolatedBy[0])
          : undefined;
      }
      case 'pass-to-networkpolicy':
        return ours(step(full)) && full.tiers?.decidedBy === 'NetworkPolicy'
          ? found(full.isolatedBy[0])
          : undefined;
      case 'networkpolicy-overrides-baseline': {
        if (full.tiers?.decidedBy !== 'NetworkPolicy') return undefined;
        this.clusterPoliciesOnly ??= new PolicyEngine({ ...this.state, policies: [] });
        const alone = side(this.clusterPoliciesOnly);
        return alone.tiers?.decidedBy === 'Baseline' && ours(step(alone)) && alone.allowed !== full.allowed
          ? found(full.isolatedBy[0])
          : undefined;
      }
    }
  }
}

function selectionMatches(selection: NamespaceSelection, labels: Readonly<Record<string, string>>): boolean {
  return selection.kind === 'all' || matchesSelector(selection.selector, labels);
}

/** A port choice as the number the destination pod answers on. */
function resolvedPort(
  choice: PortChoice | undefined,
  destination: Pod,
): { port: number; protocol: Protocol } | undefined {
  if (choice === undefined) return undefined;
  const port = choice.port;
  if (port === undefined) {
    const declared = destination.ports[0];
    return declared === undefined ? { port: DEFAULT_PORT, protocol: 'TCP' } : declared;
  }
  if (port.kind === 'number') return { port: port.port, protocol: choice.protocol };
  const declared = destination.ports.find((p) => p.name === port.name && p.protocol === choice.protocol);
  return declared === undefined ? undefined : { port: declared.port, protocol: declared.protocol };
}

const STORY: Readonly<Record<CrossTierKind, (action: string, networkPolicy: string) => string>> = {
  'admin-overrides-networkpolicy': (action, np) => `Admin ${action} overrides NetworkPolicy ${np}`,
  'pass-to-networkpolicy': (_action, np) => `Pass lets NetworkPolicy ${np} decide`,
  'networkpolicy-overrides-baseline': (action, np) => `NetworkPolicy ${np} overrides Baseline ${action}`,
};

function witnessCase(
  kind: CrossTierKind,
  origin: RuleOrigin,
  witness: Witness,
  view: ClusterView,
): GeneratedCase {
  const subject = exactEndpoint(witness.subject, view);
  const other = exactEndpoint(witness.other, view);
  const sides = origin.direction === 'ingress' ? { from: other, to: subject } : { from: subject, to: other };
  const { namespace, name } = witness.networkPolicy;
  const story = STORY[kind](origin.rule.action, `${namespace}/${name}`);
  const port: PortChoice = {
    port: { kind: 'number', port: witness.port },
    protocol: witness.protocol,
    tags: ['numbered-port', ...protocolTags(witness.protocol)],
    label: `${witness.port}/${witness.protocol}`,
  };
  return makeClusterCase(origin, `${clusterRulePlace(origin)} cross-tier: ${story}`, sides, port, [
    kind,
    'positive',
  ]);
}

/**
 * The pod by its namespace and labels when no other pod has them (a suite that reads
 * well and survives a rollout), else by name.
 */
function exactEndpoint(pod: Pod, view: ClusterView): EndpointSpec {
  const labelled = narrowEndpoint(podsEndpoint({ kind: 'name', name: pod.namespace }, { kind: 'all' }), pod);
  if (labelled !== undefined && view.podsMatching(labelled, 1).length === 1) return labelled;
  return { kind: 'pod', namespace: pod.namespace, name: pod.name };
}
