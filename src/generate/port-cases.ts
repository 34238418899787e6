/**
 * A rule's ports: a positive case on each port entry (both ends of a range, a named port
 * by name, UDP and SCTP as listed), and negative cases on the ports beside a range and
 * on a port no entry lists. The other side is the rule's first peer, as its positive
 * case has it.
 */
import type { EndpointSpec } from '../suite/index.js';
import type { RuleContext } from './case-context.js';
import { fitOtherSide, makeCase, orient, portTarget, rulePlace } from './case-context.js';
import type { GeneratedCase, PortChoice } from './generated-case.js';
import { otherEndpoints } from './any-peer-cases.js';
import { addressEndpoint, peerEndpoint, podSpecSatisfiable } from './peer-endpoint.js';
import { admittedAddress } from './pick-address.js';
import { admittedPorts, portsBesideRange, unlistedPort } from './port-choice.js';
import type { FeatureTag } from './tags.js';

export function portCases(context: RuleContext): GeneratedCase[] {
  const { ports } = context.rule;
  if (ports.kind === 'anyPort') return [];
  const other = firstPeerEndpoint(context);
  if (other === undefined) return [];
  const sides = orient(context, other);
  const target = portTarget(context, sides.to);
  const place = rulePlace(context);
  const cases: GeneratedCase[] = [];
  const add = (what: string, port: PortChoice, tags: readonly FeatureTag[]): void => {
    cases.push(makeCase(context, `${place} ${what}: ${port.label}`, sides, port, tags));
  };
  admittedPorts(ports, target).forEach((choices, index) => {
    for (const port of choices) add(`ports[${index}] positive`, port, ['positive']);
  });
  ports.ports.forEach((rule, index) => {
    for (const port of portsBesideRange(rule))
      add(`ports[${index}] negative beside the range`, port, ['negative']);
  });
  const unlisted = unlistedPort(ports, target);
  if (unlisted !== undefined) add('ports negative unlisted', unlisted, ['negative']);
  return cases;
}

/** The other side of the rule's first peer that admits something, as its positive case has it. */
function firstPeerEndpoint(context: RuleContext): EndpointSpec | undefined {
  const { peers } = context.rule;
  if (peers.kind === 'anyPeer') return otherEndpoints(context)[0];
  for (const peer of peers.peers) {
    if (peer.kind === 'pods') {
      const admitted = peerEndpoint(peer);
      if (admitted.kind !== 'pods' || !podSpecSatisfiable(admitted.pods)) continue;
      if (context.view.namespaceClashes(admitted.namespace)) continue;
      return fitOtherSide(context, admitted);
    }
    if (context.direction === 'ingress' && !context.options.addressSources) continue;
    const ip = admittedAddress(peer.cidr, peer.except, context.view);
    if (ip !== undefined) return addressEndpoint(ip);
  }
  return undefined;
}
