/**
 * Rules with no `from`/`to`: every source (or destination) is admitted, on the rule's
 * ports. Positive cases from pods the policy does not select, and, for egress, to an
 * outside address (for ingress from one, with `addressSources`).
 */
import type { EndpointSpec } from '../suite/index.js';
import type { PolicyContext, RuleContext } from './case-context.js';
import { fitOtherSide, makeCase, orient, portTarget, rulePlace } from './case-context.js';
import type { GeneratedCase } from './generated-case.js';
import { addressEndpoint, namespaceMissing, podsEndpoint, podSpecOf } from './peer-endpoint.js';
import { nearMisses } from './invert-selector.js';
import { firstAdmittedPort } from './port-choice.js';

/** An outside address for cases about "anywhere": the first documentation address. */
export const OUTSIDE_ADDRESS = '192.0.2.1';

export function anyPeerCases(context: RuleContext): GeneratedCase[] {
  if (context.rule.peers.kind !== 'anyPeer') return [];
  const place = `${rulePlace(context)} any ${context.direction === 'ingress' ? 'source' : 'destination'}`;
  return otherEndpoints(context).flatMap((other) => {
    const sides = orient(context, other);
    const port = firstAdmittedPort(context.rule.ports, portTarget(context, sides.to));
    if (port === undefined) return [];
    const where = other.kind === 'address' ? `positive: ${other.address}` : 'positive';
    return [makeCase(context, `${place} ${where}`, sides, port, ['any-peer', 'positive'])];
  });
}

/**
 * Endpoints the policy's pods talk to that no peer singles out: pods in the policy's
 * namespace that it does not select (or pods of another namespace when it selects them
 * all), and an outside address where one can be probed.
 */
export function otherEndpoints(context: PolicyContext): EndpointSpec[] {
  const pods = otherPods(context);
  const outside = context.view.addressInUse(OUTSIDE_ADDRESS) ? undefined : addressEndpoint(OUTSIDE_ADDRESS);
  const addressAllowed = context.direction === 'egress' || context.options.addressSources;
  return [...(pods ? [pods] : []), ...(outside && addressAllowed ? [outside] : [])];
}

function otherPods(context: PolicyContext): EndpointSpec | undefined {
  const { namespace, podSelector } = context.policy.target;
  const miss = nearMisses(podSelector)[0];
  if (miss !== undefined)
    return fitOtherSide(context, podsEndpoint({ kind: 'name', name: namespace }, podSpecOf(miss)));
  const elsewhere = namespaceMissing(
    { kind: 'pods', namespaces: { kind: 'own', namespace }, pods: { kind: 'all' } },
    namespace,
    context.view,
  );
  return elsewhere === undefined
    ? undefined
    : fitOtherSide(context, podsEndpoint(elsewhere, { kind: 'all' }));
}
