/**
 * From what the wire showed to a verdict on the pair. The rule that matters: a deny
 * counts only when the destination is shown to be listening. Otherwise silence may be
 * a dead pod, not a policy, and the pair is inconclusive with the reason; so is a closed
 * port, which answers with a refusal that says nothing about policy.
 */
import type { Expectation } from '../suite/types.js';
import type { Observation, Outcome } from './result.js';
import { assertNever } from '../policy/never.js';

/** What we know about the destination port independently of the probe itself. */
export type ListenerEvidence =
  /** A listener check inside the destination's netns, or a control probe that connected. */
  | 'listening'
  | 'not-listening'
  /** No check could be made (an outside address nobody reached, an agent that failed). */
  | 'unknown';

export type PairVerdict =
  { readonly kind: Expectation } | { readonly kind: 'inconclusive'; readonly reason: string };

export function judgeObservation(observation: Observation, listener: ListenerEvidence): PairVerdict {
  switch (observation) {
    case 'connected':
    case 'allowed':
      return { kind: 'allow' };
    case 'denied':
      return { kind: 'deny' };
    case 'refused':
      // A RST or port-unreachable from a port that listens can only be the policy rejecting.
      return listener === 'listening'
        ? { kind: 'deny' }
        : {
            kind: 'inconclusive',
            reason: 'the destination port is closed (refused), which says nothing about policy',
          };
    case 'timeout':
    case 'unreachable':
      return listener === 'listening'
        ? { kind: 'deny' }
        : {
            kind: 'inconclusive',
            reason:
              listener === 'not-listening'
                ? `no listener on the destination port, so a ${observation} cannot be blamed on policy`
                : `the destination could not be shown reachable, so a ${observation} cannot be blamed on policy`,
          };
    case 'error':
      return { kind: 'inconclusive', reason: 'the probe could not be carried out' };
    case 'unsupported':
      return { kind: 'inconclusive', reason: 'the protocol is not supported on this node' };
    default:
      return assertNever(observation);
  }
}

export interface JudgedPair {
  readonly outcome: Exclude<Outcome, 'skip'>;
  readonly reason?: string;
}

/** One verdict per attempt: all alike decides, allow and deny mixed is flaky. */
export function judgeAttempts(
  observations: readonly Observation[],
  listener: ListenerEvidence,
  expected: Expectation,
): JudgedPair {
  const verdicts = observations.map((o) => judgeObservation(o, listener));
  const inconclusive = verdicts.find((v) => v.kind === 'inconclusive');
  const kinds = new Set(verdicts.map((v) => v.kind));
  if (kinds.has('allow') && kinds.has('deny')) {
    return { outcome: 'flaky', reason: `attempts disagreed: ${observations.join(', ')}` };
  }
  if (inconclusive && inconclusive.kind === 'inconclusive')
    return { outcome: 'inconclusive', reason: inconclusive.reason };
  if (verdicts.length === 0) return { outcome: 'inconclusive', reason: 'no attempt was made' };
  const seen = verdicts[0]?.kind;
  return seen === expected
    ? { outcome: 'pass' }
    : { outcome: 'fail', reason: `observed ${seen}: ${observations.join(', ')}` };
}
