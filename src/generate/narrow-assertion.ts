/**
 * A generated assertion whose pairs the policies treat differently, made one step more
 * specific so that they agree: on the side the verdicts depend on, around a pair whose
 * verdict fits the case (src/generate says how an endpoint narrows).
 */
import { describeEndpoint } from '../plan/index.js';
import type { PlannedAssertion, ProbeEndpoint, ProbePair } from '../plan/index.js';
import type { Assertion, EndpointSpec } from '../suite/index.js';
import { narrowEndpoint } from './narrow-endpoint.js';

/**
 * One step more specific on each side (sources, destinations, ports) the verdicts
 * depend on (else on each side that varies), around a pair whose verdict fits the case:
 * a positive case around an allowed pair, a negative one around a denied pair, if any.
 */
export function narrowAssertion(
  planned: PlannedAssertion,
  allowed: ReadonlyMap<string, boolean>,
): Assertion | undefined {
  const { assertion, pairs } = planned;
  if (planned.problems.length > 0) return undefined;
  const wanted = wantsAllowed(assertion.origin.kind === 'generated' ? assertion.origin.tags : []);
  // By key, not plan order (which follows the manifests' order), so narrowing is reproducible.
  const ordered = [...pairs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const pair = ordered.find((p) => allowed.get(p.key) === wanted) ?? ordered[0];
  if (pair === undefined) return undefined;
  const dependsOn = (side: PairSide): boolean => verdictDependsOn(pairs, side, allowed);
  const varies = (side: PairSide): boolean => new Set(pairs.map(side)).size > 1;
  return narrowedOn(assertion, pair, dependsOn) ?? narrowedOn(assertion, pair, varies);
}

/**
 * Which verdict the case was built to show: a positive case an allowed pair, a negative
 * one a denied pair; the other way round for the rules of a cluster policy that deny.
 */
function wantsAllowed(tags: readonly string[]): boolean {
  return tags.includes('negative') === tags.includes('action-deny');
}

type PairSide = (pair: ProbePair) => string;
const SOURCE: PairSide = (p) => describeEndpoint(p.source);
const DESTINATION: PairSide = (p) => describeEndpoint(p.destination);
const PORT: PairSide = (p) => `${p.port}/${p.protocol}`;

function narrowedOn(
  assertion: Assertion,
  pair: ProbePair,
  chosen: (side: PairSide) => boolean,
): Assertion | undefined {
  const from = chosen(SOURCE) ? narrowSide(assertion.from, pair.source) : undefined;
  const to = chosen(DESTINATION) ? narrowSide(assertion.to, pair.destination) : undefined;
  const pinPort = assertion.port === undefined && chosen(PORT);
  if (from === undefined && to === undefined && !pinPort) return undefined;
  return {
    ...assertion,
    from: from ?? assertion.from,
    to: to ?? assertion.to,
    ...(pinPort ? { port: { kind: 'number', port: pair.port }, protocol: pair.protocol } : {}),
  };
}

/** Whether the pairs' verdicts differ from one value of `side` to another. */
function verdictDependsOn(
  pairs: readonly ProbePair[],
  side: PairSide,
  allowed: ReadonlyMap<string, boolean>,
): boolean {
  const verdicts = new Map<string, string>();
  for (const pair of pairs) {
    const value = side(pair);
    const verdict = allowed.get(pair.key) === true ? 'a' : 'd';
    const seen = verdicts.get(value) ?? '';
    if (!seen.includes(verdict)) verdicts.set(value, seen + verdict);
  }
  const signatures = new Set([...verdicts.values()].map((v) => [...v].sort().join('')));
  return signatures.size > 1;
}

function narrowSide(spec: EndpointSpec, endpoint: ProbeEndpoint): EndpointSpec | undefined {
  if (endpoint.kind !== 'pod' || endpoint.synthetic) return undefined;
  return narrowEndpoint(spec, endpoint.pod);
}
