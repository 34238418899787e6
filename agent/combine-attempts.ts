/**
 * A UDP probe captured on this node has two halves: what the sender saw and whether the
 * datagram arrived inside the destination. Arrival decides: a datagram that was seen got
 * through, whatever came back; one that was not seen is judged by the sender's side.
 */
import type { AttemptResult, CaptureObservation, ProbeObservation } from './protocol.js';

export function combineCapturedAttempt(
  sent: AttemptResult<ProbeObservation>,
  captured: AttemptResult<CaptureObservation>,
): AttemptResult<ProbeObservation> {
  switch (captured.observation) {
    case 'seen':
      return { observation: 'connected', elapsedMs: sent.elapsedMs, detail: 'captured' };
    case 'error':
      return {
        observation: 'error',
        elapsedMs: sent.elapsedMs,
        detail: `capture: ${captured.detail ?? 'failed'}`,
      };
    case 'not-seen':
      // Nothing arrived and nothing came back: dropped on the way.
      return sent.observation === 'sent' ? { observation: 'timeout', elapsedMs: sent.elapsedMs } : sent;
    default: {
      const unexpected: never = captured.observation;
      throw new Error(`unexpected capture observation ${String(unexpected)}`);
    }
  }
}
