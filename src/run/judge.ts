/**
 * From what the wire showed to a verdict on the pair. The rule that matters: a deny
 * counts only when the destination is shown to be listening. Otherwise silence may be
 * a dead pod, not a policy, and the pair is inconclusive with the reason; so is a closed
 * port, which answers with a refusal that says nothing about policy.
 */
import { assertNever } from '../shared/index.js';
import type { Expectation } from '../suite/index.js';
import type { ListenerEvidence } from './observation.js';
import type { Observation, Outcome } from './result.js';

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

/** What a capture inside the destination's namespace saw of one attempt's datagram. */
export type CaptureSight = 'seen' | 'not-seen' | 'error';

/**
 * One UDP attempt proven by capture rather than echo. A datagram seen arriving was
 * delivered (`connected`) whatever came back, since a silent server never answers; but
 * at a port shown closed it proves nothing (the kernel takes it and drops it), and what
 * the sender saw stands, judged as any probe without a listener: inconclusive. One not
 * seen is what the sender saw (no ICMP error is a `timeout`, so a deny needs the
 * destination shown listening, as for any timeout). A failed capture proves nothing.
 */
export function capturedObservation(
  captured: CaptureSight,
  sent: Observation,
  listener: ListenerEvidence,
): Observation {
  // A send-only probe never sees an answer: one that says so is not to be believed.
  const senderSaw: Observation = sent === 'connected' ? 'error' : sent;
  switch (captured) {
    case 'seen':
      return listener === 'not-listening' ? senderSaw : 'connected';
    case 'not-seen':
      return senderSaw;
    case 'error':
      return 'error';
    default:
      return assertNever(captured);
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
  if (seen === expected) return { outcome: 'pass' };
  // The model's `allowed`/`denied` is its own reason; the pair's verdict says why.
  return observations.every(isModelVerdict)
    ? { outcome: 'fail' }
    : { outcome: 'fail', reason: `observed ${seen}: ${observations.join(', ')}` };
}

function isModelVerdict(observation: Observation): boolean {
  return observation === 'allowed' || observation === 'denied';
}
