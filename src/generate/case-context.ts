/**
 * What every family of cases works from: one policy, one direction, one rule, and the
 * cluster; and how a family turns "the policy's pods" and "the other side" into a case.
 */
import type { Direction, NetworkPolicy, Pod, Rule } from '../policy/index.js';
import type { EndpointSpec } from '../suite/index.js';
import type { ClusterView } from './cluster-view.js';
import type { GeneratedCase, GenerateOptions, PortChoice } from './generated-case.js';
import { fitEndpoint } from './narrow-endpoint.js';
import { targetEndpoint } from './peer-endpoint.js';
import type { PortTarget } from './port-choice.js';
import type { FeatureTag } from './tags.js';
import { orderedTags } from './tags.js';

export interface PolicyContext {
  readonly policy: NetworkPolicy;
  readonly direction: Direction;
  readonly view: ClusterView;
  readonly options: Required<GenerateOptions>;
  /** The policy's pods, already narrowed to a few. */
  readonly target: EndpointSpec;
  /** The existing pods `target` stands for. */
  readonly targetPods: readonly Pod[];
}

export interface RuleContext extends PolicyContext {
  readonly rule: Rule;
  readonly index: number;
}

export const DEFAULT_OPTIONS: Required<GenerateOptions> = {
  addressSources: true,
  maxPairs: 16,
  outsideAddresses: [],
};

export function policyContext(
  policy: NetworkPolicy,
  direction: Direction,
  view: ClusterView,
  options: Required<GenerateOptions>,
): PolicyContext {
  const target = fitEndpoint(targetEndpoint(policy), view, options.maxPairs);
  const targetPods = view.podsMatching(target, options.maxPairs);
  return { policy, direction, view, options, target, targetPods };
}

/** The other side, narrowed so that both sides together stay within the pair budget. */
export function fitOtherSide(
  context: Pick<PolicyContext, 'targetPods' | 'options' | 'view'>,
  spec: EndpointSpec,
): EndpointSpec {
  const { targetPods, options } = context;
  const max = Math.max(1, Math.floor(options.maxPairs / Math.max(1, targetPods.length)));
  return fitEndpoint(spec, context.view, max, new Set(targetPods));
}

/** Ingress: from the other side to the policy's (or subject's) pods; egress: the other way round. */
export function orient(
  context: Pick<PolicyContext, 'direction' | 'target'>,
  other: EndpointSpec,
): { from: EndpointSpec; to: EndpointSpec } {
  return context.direction === 'ingress'
    ? { from: other, to: context.target }
    : { from: context.target, to: other };
}

/** What the port is probed on: the pods behind the destination, or an address. */
export function portTarget(context: Pick<PolicyContext, 'view' | 'options'>, to: EndpointSpec): PortTarget {
  if (to.kind === 'address') return { kind: 'address' };
  return { kind: 'pods', pods: context.view.podsMatching(to, context.options.maxPairs) };
}

/** `ingress[0] from[1]`, `egress[2] to[0]`: where in the policy a case comes from. */
export function peerPlace(context: RuleContext, peer: number): string {
  return `${rulePlace(context)} ${context.direction === 'ingress' ? 'from' : 'to'}[${peer}]`;
}

export function rulePlace(context: RuleContext): string {
  return `${context.direction}[${context.index}]`;
}

export function makeCase(
  context: PolicyContext,
  what: string,
  sides: { from: EndpointSpec; to: EndpointSpec },
  port: PortChoice,
  tags: readonly FeatureTag[],
): GeneratedCase {
  const { namespace, name } = context.policy.ref;
  return {
    name: `generated: ${namespace}/${name} ${what}`,
    tags: orderedTags([context.direction, ...tags, ...port.tags]),
    policy: context.policy.ref,
    direction: context.direction,
    from: sides.from,
    to: sides.to,
    ...(port.port !== undefined ? { port: port.port } : {}),
    protocol: port.protocol,
  };
}
