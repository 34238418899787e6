/**
 * Every family of cases over every policy, in a stable order: policies by namespace and
 * name, ingress before egress, rules in order; then the cluster policies' rules, tier by
 * tier, and where they meet the NetworkPolicies. A case that probes exactly what an
 * earlier one of the same polarity does is folded into it (its tags added).
 */
import type { ClusterState, Direction, NetworkPolicy } from '../policy/index.js';
import { formatDestination, formatEndpoint } from '../suite/index.js';
import { anyPeerCases } from './any-peer-cases.js';
import type { RuleContext } from './case-context.js';
import { DEFAULT_OPTIONS, policyContext } from './case-context.js';
import { clusterPolicyCases } from './cluster-policy-cases.js';
import { ClusterView, compareText } from './cluster-view.js';
import { crossTierCases } from './cross-tier-cases.js';
import { denyAllCases } from './deny-all-cases.js';
import type { GeneratedCase, GenerateOptions } from './generated-case.js';
import { ipBlockCases } from './ip-block-cases.js';
import { podPeerCases } from './pod-peer-cases.js';
import { portCases } from './port-cases.js';
import { orderedTags } from './tags.js';

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

/** One family per file; each takes a rule and returns its cases. */
const RULE_FAMILIES: readonly ((context: RuleContext) => GeneratedCase[])[] = [
  podPeerCases,
  ipBlockCases,
  anyPeerCases,
  portCases,
];

export function generateCases(state: ClusterState, options: GenerateOptions = {}): GeneratedCase[] {
  const view = new ClusterView(state, options.outsideAddresses);
  const settings = { ...DEFAULT_OPTIONS, ...options };
  const cases: GeneratedCase[] = [];
  for (const policy of [...state.policies].sort(comparePolicies)) {
    for (const direction of DIRECTIONS) {
      const rules = policy[direction];
      if (rules === undefined) continue;
      const context = policyContext(policy, direction, view, settings);
      cases.push(...denyAllCases(context));
      rules.forEach((rule, index) => cases.push(...casesForRule({ ...context, rule, index })));
    }
  }
  // Cluster policies after NetworkPolicies, so a state without them generates what it did.
  cases.push(...clusterPolicyCases(state, view, settings), ...crossTierCases(state, view));
  return foldDuplicates(cases);
}

function casesForRule(context: RuleContext): GeneratedCase[] {
  return RULE_FAMILIES.flatMap((family) => family(context));
}

/** What a case probes; two cases with the same key are the same assertion. */
export function caseKey(c: Pick<GeneratedCase, 'from' | 'to' | 'port' | 'protocol'>): string {
  return `${formatEndpoint(c.from)} > ${formatDestination(c.to, c.port, c.protocol)}`;
}

/** Folds a case into an earlier one that probes the same and has the same polarity. */
function foldDuplicates(cases: readonly GeneratedCase[]): GeneratedCase[] {
  const byKey = new Map<string, GeneratedCase>();
  for (const c of cases) {
    const key = `${caseKey(c)} ${c.tags.includes('negative') ? 'negative' : 'positive'}`;
    const first = byKey.get(key);
    byKey.set(key, first === undefined ? c : { ...first, tags: orderedTags([...first.tags, ...c.tags]) });
  }
  return [...byKey.values()];
}

function comparePolicies(a: NetworkPolicy, b: NetworkPolicy): number {
  return compareText(a.ref.namespace, b.ref.namespace) || compareText(a.ref.name, b.ref.name);
}
