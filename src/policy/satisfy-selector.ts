/** Labels for a synthetic probe pod that a selector must match. */
import type { Labels } from './cluster.js';
import type { LabelSelector } from './selector.js';
import { assertNever } from '../shared/index.js';

/** The value a probe pod carries for a key that must merely exist. */
export const PROBE_LABEL_VALUE = 'probe';

/**
 * Labels a synthetic probe pod would carry to be matched by `selector`: the matchLabels,
 * the first allowed value for In, `probe` for Exists; keys under NotIn or DoesNotExist
 * are left out. Undefined when no labels can satisfy it (e.g. `a=x` and `a notin (x)`).
 */
export function labelsSatisfying(selector: LabelSelector): Labels | undefined {
  const constraints = new Map<string, KeyConstraint>();
  const constraintOf = (key: string): KeyConstraint => {
    let constraint = constraints.get(key);
    if (constraint === undefined) {
      constraint = { allowed: undefined, excluded: new Set(), mustExist: false, mustNotExist: false };
      constraints.set(key, constraint);
    }
    return constraint;
  };
  for (const [key, value] of Object.entries(selector.matchLabels)) restrictTo(constraintOf(key), [value]);
  for (const { key, operator, values } of selector.matchExpressions) {
    const constraint = constraintOf(key);
    switch (operator) {
      case 'In':
        restrictTo(constraint, values);
        break;
      case 'NotIn':
        for (const value of values) constraint.excluded.add(value);
        break;
      case 'Exists':
        constraint.mustExist = true;
        break;
      case 'DoesNotExist':
        constraint.mustNotExist = true;
        break;
      default:
        return assertNever(operator);
    }
  }
  const labels: Record<string, string> = {};
  for (const [key, constraint] of constraints) {
    const value = valueSatisfying(constraint);
    if (value === null) return undefined;
    if (value !== undefined) labels[key] = value;
  }
  return labels;
}

interface KeyConstraint {
  /** The values In and matchLabels leave, in the order first given; undefined when unrestricted. */
  allowed: string[] | undefined;
  excluded: Set<string>;
  mustExist: boolean;
  mustNotExist: boolean;
}

function restrictTo(constraint: KeyConstraint, values: readonly string[]): void {
  constraint.allowed =
    constraint.allowed === undefined ? [...values] : constraint.allowed.filter((v) => values.includes(v));
}

/** A value for the key, undefined to leave the key out, null when nothing satisfies. */
function valueSatisfying(constraint: KeyConstraint): string | undefined | null {
  const needsKey = constraint.mustExist || constraint.allowed !== undefined;
  if (constraint.mustNotExist) return needsKey ? null : undefined;
  if (constraint.allowed !== undefined) {
    return constraint.allowed.find((value) => !constraint.excluded.has(value)) ?? null;
  }
  if (!constraint.mustExist) return undefined;
  let value = PROBE_LABEL_VALUE;
  for (let n = 1; constraint.excluded.has(value); n++) value = `${PROBE_LABEL_VALUE}-${n}`;
  return value;
}
