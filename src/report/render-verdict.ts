/**
 * Why the model allows or denies a pair, in words: one line per direction (egress on the
 * source, then ingress on the destination), naming the policies that isolate it and the
 * rules, peers and ports that admit it. Every reporter renders a pair's verdict with it,
 * and `explain` each pair's.
 */
import { assertNever } from '../shared/index.js';
import type { NamespaceMatcher, NetworkPolicy, Peer, PolicyRef, PortRule } from '../policy/index.js';
import { formatSelector, isEmptySelector } from '../policy/index.js';
import type { DirectionVerdict, PolicyVerdict, RuleMatch, TierStep } from '../policy/index.js';
import { clusterPolicyText } from '../policy/index.js';

/**
 * Where the policies a verdict names by index are: a ClusterState, or a RunResult (which
 * carries the ones the model judged by).
 */
export interface KnownPolicies {
  readonly policies: readonly NetworkPolicy[];
}

export function renderVerdict(verdict: PolicyVerdict, state: KnownPolicies): string {
  return [
    `egress of the source: ${directionText(verdict.egress, state)}`,
    ...tiersText(verdict.egress),
    `ingress to the destination: ${directionText(verdict.ingress, state)}`,
    ...tiersText(verdict.ingress),
    ...unmodelledText(verdict),
  ].join('\n');
}

/** `  tiers: Admin: Pass by ... -> NetworkPolicy: no policy isolates the pod -> Baseline: Deny by ...` */
function tiersText(verdict: DirectionVerdict): string[] {
  const steps = verdict.tiers?.steps ?? [];
  if (steps.length === 0) return [];
  return [`  tiers: ${steps.map((step) => stepText(step, verdict.direction)).join(' -> ')}`];
}

function stepText(step: TierStep, direction: DirectionVerdict['direction']): string {
  if (step.tier === 'NetworkPolicy') {
    const said = {
      notIsolated: 'no policy isolates the pod',
      ownNode: 'allowed (own node)',
      admitted: 'allowed',
      denied: 'denied',
    }[step.outcome];
    return `NetworkPolicy: ${said}`;
  }
  switch (step.outcome) {
    case 'noPolicy':
      return `${step.tier}: no policy selects the pod`;
    case 'noMatch':
      return `${step.tier}: no rule of ${step.policies.map(clusterPolicyText).join(', ')} matches`;
    case 'matched':
      return `${step.tier}: ${step.action} by ${clusterRuleText(step, direction)}`;
    default:
      return assertNever(step);
  }
}

/** `AdminNetworkPolicy/guard egress[0] "deny-db"` */
function clusterRuleText(
  step: TierStep & { outcome: 'matched' },
  direction: DirectionVerdict['direction'],
): string {
  const name = step.ruleName === undefined ? '' : ` "${step.ruleName}"`;
  return `${clusterPolicyText(step.policy)} ${direction}[${step.rule}]${name}`;
}

function clusterDecisionText(verdict: DirectionVerdict): string {
  const last = verdict.tiers?.steps.at(-1);
  if (last === undefined || last.tier === 'NetworkPolicy' || last.outcome !== 'matched')
    return 'a cluster policy';
  return `the ${last.tier} tier, ${clusterRuleText(last, verdict.direction)}`;
}

function unmodelledText(verdict: PolicyVerdict): string[] {
  const unmodelled = verdict.unmodelled ?? [];
  if (unmodelled.length === 0) return [];
  const names = unmodelled.map(
    (p) => `${p.kind} ${p.namespace === undefined ? '' : `${p.namespace}/`}${p.name}`,
  );
  return [`not modelled, and may change this verdict: ${names.join(', ')}`];
}

function directionText(verdict: DirectionVerdict, state: KnownPolicies): string {
  const policyType = verdict.direction === 'ingress' ? 'Ingress' : 'Egress';
  switch (verdict.decision) {
    case 'notAPod':
      return 'allowed: not a pod, so no policy applies';
    case 'hostNetwork':
      return 'allowed: a hostNetwork pod, which no policy selects';
    case 'notIsolated':
      return `allowed: no policy selecting the pod has ${policyType} in its policyTypes`;
    case 'ownNode':
      return 'allowed: traffic between a pod and its own node always is';
    case 'admitted':
      return `allowed by ${verdict.admittedBy.map((match) => ruleText(match, verdict, state)).join('; ')}`;
    case 'denied':
      return `denied: isolated by ${verdict.isolatedBy.map(refText).join(', ')}, and no rule admits it`;
    case 'acceptedByClusterPolicy':
      return `allowed by ${clusterDecisionText(verdict)}`;
    case 'deniedByClusterPolicy':
      return `denied by ${clusterDecisionText(verdict)}`;
    default:
      return assertNever(verdict.decision);
  }
}

/** `shop/web ingress[0] from[1] (pods app=client in shop), ports[0] (http/TCP)` */
function ruleText(match: RuleMatch, verdict: DirectionVerdict, state: KnownPolicies): string {
  const policy = findPolicy(state, match.policy);
  const rule = (verdict.direction === 'ingress' ? policy?.ingress : policy?.egress)?.[match.rule];
  const peers = verdict.direction === 'ingress' ? 'from' : 'to';
  const peer =
    match.peer === 'anyPeer'
      ? `any ${verdict.direction === 'ingress' ? 'source' : 'destination'}`
      : `${peers}[${match.peer}]${describe(rule?.peers.kind === 'peers' ? rule.peers.peers[match.peer] : undefined, peerText)}`;
  const port =
    match.port === 'anyPort'
      ? 'any port'
      : `ports[${match.port}]${describe(rule?.ports.kind === 'ports' ? rule.ports.ports[match.port] : undefined, portText)}`;
  return `${refText(match.policy)} ${verdict.direction}[${match.rule}]: ${peer}, ${port}`;
}

function describe<T>(value: T | undefined, text: (value: T) => string): string {
  return value === undefined ? '' : ` (${text(value)})`;
}

function findPolicy(state: KnownPolicies, ref: PolicyRef): NetworkPolicy | undefined {
  return state.policies.find(
    (policy) => policy.ref.namespace === ref.namespace && policy.ref.name === ref.name,
  );
}

function refText(ref: PolicyRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function peerText(peer: Peer): string {
  if (peer.kind === 'ipBlock')
    return peer.except.length === 0
      ? `ipBlock ${peer.cidr}`
      : `ipBlock ${peer.cidr} except ${peer.except.join(', ')}`;
  const pods =
    peer.pods.kind === 'all' || isEmptySelector(peer.pods.selector)
      ? 'all pods'
      : `pods ${formatSelector(peer.pods.selector)}`;
  return `${pods} ${namespaceText(peer.namespaces)}`;
}

function namespaceText(namespaces: NamespaceMatcher): string {
  switch (namespaces.kind) {
    case 'own':
      return `in ${namespaces.namespace}`;
    case 'all':
      return 'in every namespace';
    case 'labelled':
      return `in namespaces ${formatSelector(namespaces.selector)}`;
    default:
      return assertNever(namespaces);
  }
}

function portText(port: PortRule): string {
  switch (port.kind) {
    case 'allPortsOf':
      return `every ${port.protocol} port`;
    case 'number':
      return port.endPort === undefined
        ? `${port.port}/${port.protocol}`
        : `${port.port}-${port.endPort}/${port.protocol}`;
    case 'named':
      return `${port.name}/${port.protocol}`;
    default:
      return assertNever(port);
  }
}
