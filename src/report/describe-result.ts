/** The wording every reporter shares: one pair, one assertion's outcome, as text. */
import type { AssertionResult, EndpointRef, Outcome, PairResult } from '../run/index.js';
import { renderVerdict } from './render-verdict.js';
import type { KnownPolicies } from './render-verdict.js';

/** `shop/client (10.244.1.7)`, or the address alone when that is the name. */
export function endpointText(endpoint: EndpointRef): string {
  return endpoint.ip === undefined || endpoint.ip === endpoint.display
    ? endpoint.display
    : `${endpoint.display} (${endpoint.ip})`;
}

/** `8080/TCP` */
export function portText(pair: PairResult): string {
  return `${pair.port}/${pair.protocol}`;
}

/** `shop/client (10.244.1.7) → shop/web-0 (10.244.2.3) 8080/TCP` */
export function pairTitle(pair: PairResult): string {
  return `${endpointText(pair.source)} → ${endpointText(pair.destination)} ${portText(pair)}`;
}

/** `connected, timeout, connected`: one per attempt. */
export function observationsText(pair: PairResult): string {
  return pair.observations.length === 0 ? 'no observation' : pair.observations.join(', ');
}

/** One line per pair: where it went, what was seen, and why that is the outcome. */
export function pairLine(pair: PairResult): string {
  const reason = pair.reason === undefined ? '' : `: ${pair.reason}`;
  return `${pairTitle(pair)}: ${observationsText(pair)} (${pair.outcome}${reason})`;
}

/** What the policies say about the pair and why, one line per reason; none without a verdict. */
export function explanationLines(pair: PairResult, known: KnownPolicies): string[] {
  return pair.verdict === undefined ? [] : renderVerdict(pair.verdict, known).split('\n');
}

/** The pairs a report names: those that did not pass. */
export function notablePairs(result: AssertionResult): readonly PairResult[] {
  return result.pairs.filter((pair) => pair.outcome !== 'pass');
}

const PAIR_WORDS: Readonly<Record<Exclude<Outcome, 'skip'>, string>> = {
  pass: 'held',
  fail: 'failed',
  flaky: 'flaky',
  inconclusive: 'inconclusive',
};

/**
 * `expected deny; 6 pairs: 2 failed, 4 held`, or the reason when there is no pair,
 * or `skipped: <reason>`.
 */
export function outcomeMessage(result: AssertionResult): string {
  if (result.outcome === 'skip')
    return `skipped: ${result.reason ?? result.assertion.skip ?? 'no reason given'}`;
  const expected = `expected ${result.assertion.expect}`;
  if (result.pairs.length === 0) return `${expected}; ${result.reason ?? 'no pair could be probed'}`;
  const counts = (['fail', 'flaky', 'inconclusive', 'pass'] as const)
    .map(
      (outcome) =>
        [result.pairs.filter((pair) => pair.outcome === outcome).length, PAIR_WORDS[outcome]] as const,
    )
    .filter(([count]) => count > 0)
    .map(([count, word]) => `${count} ${word}`);
  const pairs = result.pairs.length === 1 ? '1 pair' : `${result.pairs.length} pairs`;
  const reason = result.reason === undefined ? '' : ` (${result.reason})`;
  return `${expected}; ${pairs}: ${counts.join(', ')}${reason}`;
}

/** `suites/shop.yaml:12:5` */
export function locationText(result: AssertionResult): string {
  const { file, line, col } = result.assertion.location;
  return `${file}:${line}:${col}`;
}
