/**
 * Structured selectors in a suite: a label map (`{app: web}`) or a LabelSelector
 * (`matchLabels`/`matchExpressions`), each key and value checked as the API server would.
 */
import type { Labels } from '../policy/index.js';
import {
  labelKeyProblem,
  labelValueProblem,
  type LabelSelector,
  type SelectorOperator,
  type SelectorRequirement,
} from '../policy/index.js';
import type { ValuePath } from './locate-node.js';
import { atKey, atValue, type ResolveContext } from './resolve-context.js';

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export function isPlainMap(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A selector, or undefined when some part of it was reported. */
export function resolveSelector(
  value: unknown,
  path: ValuePath,
  context: ResolveContext,
): LabelSelector | undefined {
  if (context.isFlagged(path) || !isPlainMap(value)) return undefined;
  if (!Object.hasOwn(value, 'matchLabels') && !Object.hasOwn(value, 'matchExpressions'))
    return selectorOf(resolveLabels(value, path, context), []);
  const matchLabels = Object.hasOwn(value, 'matchLabels')
    ? resolveLabels(value['matchLabels'], [...path, 'matchLabels'], context)
    : {};
  const expressions = value['matchExpressions'];
  const matchExpressions = Array.isArray(expressions)
    ? expressions.map((item, i) => resolveRequirement(item, [...path, 'matchExpressions', i], context))
    : [];
  return selectorOf(matchLabels, matchExpressions);
}

function selectorOf(
  matchLabels: Labels | undefined,
  expressions: readonly (SelectorRequirement | undefined)[],
): LabelSelector | undefined {
  if (matchLabels === undefined) return undefined;
  const matchExpressions: SelectorRequirement[] = [];
  for (const expression of expressions) {
    if (expression === undefined) return undefined;
    matchExpressions.push(expression);
  }
  return { matchLabels, matchExpressions };
}

function resolveLabels(value: unknown, path: ValuePath, context: ResolveContext): Labels | undefined {
  if (context.isFlagged(path) || !isPlainMap(value)) return undefined;
  const labels: Record<string, string> = {};
  let valid = true;
  for (const [key, labelValue] of Object.entries(value)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem !== undefined) context.report('BAD_SELECTOR', keyProblem, atKey([...path, key]));
    const valueProblem = typeof labelValue === 'string' ? labelValueProblem(labelValue) : undefined;
    if (valueProblem !== undefined) context.report('BAD_SELECTOR', valueProblem, atValue([...path, key]));
    if (keyProblem !== undefined || valueProblem !== undefined || typeof labelValue !== 'string')
      valid = false;
    else labels[key] = labelValue;
  }
  return valid ? labels : undefined;
}

function resolveRequirement(
  value: unknown,
  path: ValuePath,
  context: ResolveContext,
): SelectorRequirement | undefined {
  if (context.isFlagged(path) || !isPlainMap(value)) return undefined;
  const { key, operator, values } = value;
  if (typeof key !== 'string' || !OPERATORS.includes(operator as SelectorOperator)) return undefined;
  const keyProblem = labelKeyProblem(key);
  if (keyProblem !== undefined) context.report('BAD_SELECTOR', keyProblem, atValue([...path, 'key']));
  const list = Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
  const problems = valuesProblems(operator as SelectorOperator, values, list, path, context);
  // A value of the wrong type was reported by the schema.
  const mistyped = Array.isArray(values) && list.length !== values.length;
  if (keyProblem !== undefined || problems > 0 || mistyped || context.isFlagged([...path, 'values']))
    return undefined;
  return { key, operator: operator as SelectorOperator, values: list };
}

/** In and NotIn need values, Exists and DoesNotExist take none; each value is a label value. */
function valuesProblems(
  operator: SelectorOperator,
  values: unknown,
  list: readonly string[],
  path: ValuePath,
  context: ResolveContext,
): number {
  const needsValues = operator === 'In' || operator === 'NotIn';
  const where = values === undefined ? atValue(path) : atValue([...path, 'values']);
  if (needsValues && list.length === 0) {
    context.report('BAD_SELECTOR', `operator ${operator} needs at least one value in "values"`, where);
    return 1;
  }
  if (!needsValues && values !== undefined && (!Array.isArray(values) || values.length > 0)) {
    context.report('BAD_SELECTOR', `operator ${operator} takes no values; remove "values"`, where);
    return 1;
  }
  let problems = 0;
  (Array.isArray(values) ? values : []).forEach((item: unknown, i) => {
    const problem = typeof item === 'string' ? labelValueProblem(item) : undefined;
    if (problem === undefined) return;
    context.report('BAD_SELECTOR', problem, atValue([...path, 'values', i]));
    problems++;
  });
  return problems;
}
