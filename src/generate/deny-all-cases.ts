/**
 * A policy that isolates a direction and lists no rule for it (`ingress: []`, or
 * `policyTypes: [Egress]` with no egress) admits nothing on its own: negative cases
 * from (or to) pods it does not select and, for egress, an outside address.
 */
import type { PolicyContext } from './case-context.js';
import { makeCase, orient, portTarget } from './case-context.js';
import { otherEndpoints } from './any-peer-cases.js';
import type { GeneratedCase } from './generated-case.js';
import { firstAdmittedPort } from './port-choice.js';

export function denyAllCases(context: PolicyContext): GeneratedCase[] {
  const rules = context.policy[context.direction];
  if (rules === undefined || rules.length > 0) return [];
  return otherEndpoints(context).flatMap((other) => {
    const sides = orient(context, other);
    const port = firstAdmittedPort({ kind: 'anyPort' }, portTarget(context, sides.to));
    if (port === undefined) return [];
    const what = other.kind === 'address' ? `negative: ${other.address}` : 'negative';
    return [
      makeCase(context, `${context.direction} deny-all ${what}`, sides, port, ['deny-all', 'negative']),
    ];
  });
}
