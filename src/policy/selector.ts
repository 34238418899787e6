/** Kubernetes label selectors (metav1.LabelSelector) and their kubectl string form. */
import type { Labels } from './cluster.js';
import type { LabelSelectorManifest } from './manifest.js';
import { labelKeyProblem, labelValueProblem } from './label-syntax.js';
import { assertNever } from '../shared/index.js';
import type { PolicyError } from './policy-error.js';

// Label syntax, selector parsing and probe labels live in their own files.
export { labelKeyProblem, labelValueProblem } from './label-syntax.js';
export { parseSelector, type ParseSelectorResult } from './parse-selector.js';
export { labelsSatisfying, PROBE_LABEL_VALUE } from './satisfy-selector.js';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** matchLabels and matchExpressions are ANDed; an empty selector matches everything. */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly SelectorRequirement[];
}

export const EMPTY_SELECTOR: LabelSelector = { matchLabels: {}, matchExpressions: [] };

export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

/** Own keys only: a label may be called `constructor` or `toString`. */
export function labelValue(labels: Labels, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  for (const key in selector.matchLabels) {
    if (labelValue(labels, key) !== selector.matchLabels[key]) return false;
  }
  for (const requirement of selector.matchExpressions) {
    if (!matchesRequirement(requirement, labelValue(labels, requirement.key))) return false;
  }
  return true;
}

function matchesRequirement(requirement: SelectorRequirement, value: string | undefined): boolean {
  switch (requirement.operator) {
    case 'In':
      return value !== undefined && requirement.values.includes(value);
    case 'NotIn':
      // As in Kubernetes: an object without the key satisfies `key notin (...)`.
      return value === undefined || !requirement.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    default:
      return assertNever(requirement.operator);
  }
}

const MANIFEST_OPERATORS: Readonly<Record<string, SelectorOperator>> = {
  In: 'In',
  NotIn: 'NotIn',
  Exists: 'Exists',
  DoesNotExist: 'DoesNotExist',
};

/**
 * The model of a manifest selector. null and absent give the empty selector: what that
 * means (all pods, own namespace) is the caller's to decide. An unknown operator, which
 * the API server would reject (see `selectorManifestProblems`), becomes a requirement no
 * object satisfies, so a bad selector never widens a policy.
 */
export function selectorFromManifest(m: LabelSelectorManifest | null | undefined): LabelSelector {
  if (m === null || m === undefined) return EMPTY_SELECTOR;
  // fromEntries defines own properties, even for a key such as `__proto__`.
  const matchLabels: Labels = Object.fromEntries(Object.entries(m.matchLabels ?? {}));
  const matchExpressions = (m.matchExpressions ?? []).map((expression): SelectorRequirement => {
    const operator = Object.hasOwn(MANIFEST_OPERATORS, expression.operator)
      ? MANIFEST_OPERATORS[expression.operator]
      : undefined;
    if (operator === undefined) return { key: expression.key, operator: 'In', values: [] };
    return { key: expression.key, operator, values: [...(expression.values ?? [])] };
  });
  return { matchLabels, matchExpressions };
}

/** A problem in a manifest selector; `path` is relative to the selector object. */
export type SelectorProblem = PolicyError;

/** What the API server's validation would say about a manifest selector, one problem each. */
export function selectorManifestProblems(m: LabelSelectorManifest): SelectorProblem[] {
  const problems: SelectorProblem[] = [];
  for (const [key, value] of Object.entries(m.matchLabels ?? {})) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem !== undefined)
      problems.push({ code: 'BAD_VALUE', path: ['matchLabels', key], message: keyProblem });
    const code = typeof value === 'string' ? 'BAD_VALUE' : 'BAD_TYPE';
    const valueProblem = typeof value === 'string' ? labelValueProblem(value) : 'must be a string';
    if (valueProblem !== undefined)
      problems.push({ code, path: ['matchLabels', key], message: valueProblem });
  }
  (m.matchExpressions ?? []).forEach((expression, index) => {
    problems.push(
      ...requirementProblems(expression).map((p) => ({ ...p, path: ['matchExpressions', index, ...p.path] })),
    );
  });
  return problems;
}

function requirementProblems(expression: {
  key: string;
  operator: string;
  values?: string[] | null;
}): SelectorProblem[] {
  const problems: SelectorProblem[] = [];
  const keyProblem = labelKeyProblem(expression.key);
  if (keyProblem !== undefined) problems.push({ code: 'BAD_VALUE', path: ['key'], message: keyProblem });
  const values = expression.values ?? [];
  switch (expression.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        problems.push({
          code: 'BAD_COUNT',
          path: ['values'],
          message: `must be non-empty for ${expression.operator}`,
        });
      values.forEach((value, i) => {
        const valueProblem = labelValueProblem(value);
        if (valueProblem !== undefined)
          problems.push({ code: 'BAD_VALUE', path: ['values', i], message: valueProblem });
      });
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        problems.push({
          code: 'BAD_COUNT',
          path: ['values'],
          message: `must be empty for ${expression.operator}`,
        });
      break;
    default:
      problems.push({
        code: 'BAD_VALUE',
        path: ['operator'],
        message: `"${expression.operator}" is not a valid operator: expected In, NotIn, Exists or DoesNotExist`,
      });
  }
  return problems;
}

/**
 * kubectl's text form: matchLabels as `k=v` (sorted by key), then the expressions in order.
 * The empty selector prints as an empty string; the caller decides how to show "all".
 */
export function formatSelector(selector: LabelSelector): string {
  const parts = Object.keys(selector.matchLabels)
    .sort()
    .map((key) => `${key}=${selector.matchLabels[key] ?? ''}`);
  for (const requirement of selector.matchExpressions) parts.push(formatRequirement(requirement));
  return parts.join(',');
}

function formatRequirement({ key, operator, values }: SelectorRequirement): string {
  switch (operator) {
    case 'In':
      return `${key} in (${values.join(',')})`;
    case 'NotIn':
      return values.length === 1 ? `${key}!=${values[0] ?? ''}` : `${key} notin (${values.join(',')})`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return assertNever(operator);
  }
}
