/**
 * Selectors that just miss: the original with exactly one requirement replaced by its
 * complement, so every object they match fails the original, by that one requirement
 * and no other. `app=shop,role=api` gives `app!=shop,role=api` and `app=shop,role!=api`.
 */
import type { LabelSelector, SelectorOperator, SelectorRequirement } from '../policy/index.js';
import { labelsSatisfying } from '../policy/index.js';

/** One near miss per requirement (matchLabels by key, then matchExpressions), satisfiable ones only. */
export function nearMisses(selector: LabelSelector): LabelSelector[] {
  const misses: LabelSelector[] = [];
  for (const key of Object.keys(selector.matchLabels).sort()) {
    const { [key]: value, ...rest } = selector.matchLabels;
    misses.push({
      matchLabels: rest,
      matchExpressions: [...selector.matchExpressions, { key, operator: 'NotIn', values: [value ?? ''] }],
    });
  }
  selector.matchExpressions.forEach((requirement, index) => {
    const expressions = [...selector.matchExpressions];
    expressions[index] = complement(requirement);
    misses.push({ matchLabels: selector.matchLabels, matchExpressions: expressions });
  });
  return misses.filter((miss) => labelsSatisfying(miss) !== undefined);
}

/** The requirement every label set fails exactly when it satisfies `requirement`. */
export function complement(requirement: SelectorRequirement): SelectorRequirement {
  return { key: requirement.key, operator: COMPLEMENT[requirement.operator], values: requirement.values };
}

const COMPLEMENT: Readonly<Record<SelectorOperator, SelectorOperator>> = {
  In: 'NotIn',
  NotIn: 'In',
  Exists: 'DoesNotExist',
  DoesNotExist: 'Exists',
};
