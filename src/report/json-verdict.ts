/**
 * The model's verdict on a pair as the JSON report carries it: the same structure as
 * PolicyVerdict (src/policy/verdict.ts), copied field by field so that the report holds
 * only what schemas/report.schema.json lists, whatever a verdict may carry one day.
 */
import type {
  DirectionVerdict,
  PolicyRef,
  PolicyVerdict,
  RuleMatch,
  TierStep,
  UnmodelledPolicy,
} from '../policy/index.js';
import { assertNever } from '../shared/index.js';

export type JsonVerdict = PolicyVerdict;

export function toJsonVerdict(verdict: PolicyVerdict): JsonVerdict {
  return {
    allowed: verdict.allowed,
    egress: direction(verdict.egress),
    ingress: direction(verdict.ingress),
    ...(verdict.unmodelled === undefined ? {} : { unmodelled: verdict.unmodelled.map(unmodelled) }),
  };
}

function direction(verdict: DirectionVerdict): DirectionVerdict {
  return {
    direction: verdict.direction,
    decision: verdict.decision,
    applies: verdict.applies,
    isolatedBy: verdict.isolatedBy.map(policyRef),
    admittedBy: verdict.admittedBy.map(ruleMatch),
    allowed: verdict.allowed,
    ...(verdict.tiers === undefined
      ? {}
      : { tiers: { decidedBy: verdict.tiers.decidedBy, steps: verdict.tiers.steps.map(tierStep) } }),
  };
}

function policyRef(ref: PolicyRef): PolicyRef {
  return { namespace: ref.namespace, name: ref.name };
}

function ruleMatch(match: RuleMatch): RuleMatch {
  return { policy: policyRef(match.policy), rule: match.rule, peer: match.peer, port: match.port };
}

function tierStep(step: TierStep): TierStep {
  if (step.tier === 'NetworkPolicy') return { tier: step.tier, outcome: step.outcome };
  switch (step.outcome) {
    case 'noPolicy':
      return { tier: step.tier, outcome: step.outcome };
    case 'noMatch':
      return {
        tier: step.tier,
        outcome: step.outcome,
        policies: step.policies.map((p) => ({ kind: p.kind, name: p.name })),
      };
    case 'matched':
      return {
        tier: step.tier,
        outcome: step.outcome,
        action: step.action,
        policy: { kind: step.policy.kind, name: step.policy.name },
        rule: step.rule,
        ...(step.ruleName === undefined ? {} : { ruleName: step.ruleName }),
        peer: step.peer,
        port: step.port,
      };
    default:
      return assertNever(step);
  }
}

function unmodelled(policy: UnmodelledPolicy): UnmodelledPolicy {
  return {
    apiVersion: policy.apiVersion,
    kind: policy.kind,
    name: policy.name,
    namespace: policy.namespace,
    ...(policy.location === undefined ? {} : { location: { ...policy.location } }),
  };
}
