/**
 * What cluster-policy cases work from: one cluster policy, one direction, one rule, and
 * the cluster; and the policy's parts as the suite endpoints and ports the NetworkPolicy
 * families already know (a `pods` or `namespaces` peer is a pod peer with no namespace
 * of its own).
 */
import type {
  ClusterIngressPeer,
  ClusterPolicy,
  ClusterPortMatcher,
  ClusterRule,
  ClusterSubject,
  Direction,
  Pod,
  PortMatcher,
  PortRule,
  Protocol,
} from '../policy/index.js';
import { clusterPolicyText } from '../policy/index.js';
import { assertNever } from '../shared/index.js';
import type { EndpointSpec } from '../suite/index.js';
import type { ClusterView } from './cluster-view.js';
import type { GeneratedCase, GenerateOptions, PortChoice } from './generated-case.js';
import { fitEndpoint } from './narrow-endpoint.js';
import type { PodPeer } from './peer-endpoint.js';
import { peerEndpoint } from './peer-endpoint.js';
import type { PortTarget } from './port-choice.js';
import type { FeatureTag } from './tags.js';
import { orderedTags } from './tags.js';

export interface ClusterRuleContext {
  readonly policy: ClusterPolicy;
  readonly direction: Direction;
  readonly rule: ClusterRule;
  readonly view: ClusterView;
  readonly options: Required<GenerateOptions>;
  /** The pods the subject selects, already narrowed to a few (named as the NetworkPolicy families name theirs). */
  readonly target: EndpointSpec;
  /** The existing pods `target` stands for. */
  readonly targetPods: readonly Pod[];
}

export function clusterRuleContext(
  policy: ClusterPolicy,
  direction: Direction,
  rule: ClusterRule,
  view: ClusterView,
  options: Required<GenerateOptions>,
): ClusterRuleContext {
  const target = fitEndpoint(peerEndpoint(subjectPeer(policy.subject)), view, options.maxPairs);
  const targetPods = view.podsMatching(target, options.maxPairs);
  return { policy, direction, rule, view, options, target, targetPods };
}

/** A subject, or a `pods`/`namespaces` peer, as the pod peer of a NetworkPolicy it equals. */
export function subjectPeer(subject: ClusterSubject | ClusterIngressPeer): PodPeer {
  return subject.kind === 'pods'
    ? { kind: 'pods', namespaces: subject.namespaces, pods: subject.pods }
    : { kind: 'pods', namespaces: subject.namespaces, pods: { kind: 'all' } };
}

/**
 * The rule's ports in the form the NetworkPolicy port choices read: a range is a port
 * with an end; a named port takes the protocol the destination declares it with (a
 * cluster policy's named port has none of its own), TCP when no pod declares it.
 */
export function portMatcherOf(ports: ClusterPortMatcher, target: PortTarget): PortMatcher {
  if (ports.kind === 'anyPort') return { kind: 'anyPort' };
  return {
    kind: 'ports',
    ports: ports.ports.map((port): PortRule => {
      switch (port.kind) {
        case 'number':
          return { kind: 'number', protocol: port.protocol, port: port.port };
        case 'range':
          return { kind: 'number', protocol: port.protocol, port: port.start, endPort: port.end };
        case 'named':
          return { kind: 'named', protocol: declaredProtocol(target, port.name), name: port.name };
        default:
          return assertNever(port);
      }
    }),
  };
}

function declaredProtocol(target: PortTarget, name: string): Protocol {
  if (target.kind !== 'pods') return 'TCP';
  const declared = target.pods[0]?.ports.find((p) => p.name === name);
  return declared?.protocol ?? 'TCP';
}

/** The rule a case comes from. */
export type RuleOrigin = Pick<ClusterRuleContext, 'policy' | 'direction' | 'rule'>;

/** `ClusterNetworkPolicy/guard ingress[0] "deny-b"`: the form verdicts name a rule in. */
export function clusterRulePlace(context: RuleOrigin): string {
  const name = context.rule.name === undefined ? '' : ` "${context.rule.name}"`;
  return `${clusterPolicyText(context.policy.ref)} ${context.direction}[${context.rule.index}]${name}`;
}

/** `from[1]` / `to[0]`. */
export function clusterPeerPlace(context: ClusterRuleContext, peer: number): string {
  return `${clusterRulePlace(context)} ${context.direction === 'ingress' ? 'from' : 'to'}[${peer}]`;
}

/** The tags every case of the rule carries: its tier and its action. */
export function ruleTags(policy: ClusterPolicy, rule: ClusterRule): FeatureTag[] {
  const tier: FeatureTag = policy.tier === 'Admin' ? 'admin-tier' : 'baseline-tier';
  return ['cluster-policy', tier, ACTION_TAGS[rule.action]];
}

const ACTION_TAGS = { Accept: 'action-accept', Deny: 'action-deny', Pass: 'action-pass' } as const;

export function makeClusterCase(
  context: RuleOrigin,
  what: string,
  sides: { from: EndpointSpec; to: EndpointSpec },
  port: PortChoice,
  tags: readonly FeatureTag[],
): GeneratedCase {
  return {
    name: `generated: ${what}`,
    tags: orderedTags([context.direction, ...ruleTags(context.policy, context.rule), ...tags, ...port.tags]),
    policy: context.policy.ref,
    direction: context.direction,
    from: sides.from,
    to: sides.to,
    ...(port.port !== undefined ? { port: port.port } : {}),
    protocol: port.protocol,
  };
}
