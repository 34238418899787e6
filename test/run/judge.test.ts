import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capturedObservation, judgeAttempts, judgeObservation } from '../../src/run/index.js';
import type { CaptureSight, ListenerEvidence, Observation } from '../../src/run/index.js';

test('a connection is an allow whatever is known of the listener', () => {
  for (const listener of ['listening', 'not-listening', 'unknown'] as const) {
    assert.deepEqual(judgeObservation('connected', listener), { kind: 'allow' });
  }
});

test('a timeout counts as a deny only when the destination is shown listening', () => {
  assert.deepEqual(judgeObservation('timeout', 'listening'), { kind: 'deny' });
  assert.equal(judgeObservation('timeout', 'not-listening').kind, 'inconclusive');
  assert.equal(judgeObservation('timeout', 'unknown').kind, 'inconclusive');
  assert.deepEqual(judgeObservation('unreachable', 'listening'), { kind: 'deny' });
});

test('a refusal from a closed port is inconclusive, from a listening port it is a policy reject', () => {
  assert.deepEqual(judgeObservation('refused', 'listening'), { kind: 'deny' });
  const closed = judgeObservation('refused', 'not-listening');
  assert.equal(closed.kind, 'inconclusive');
  assert.match(closed.kind === 'inconclusive' ? closed.reason : '', /closed/);
});

test('a probe that could not run, or an unsupported protocol, is never a pass', () => {
  assert.equal(judgeAttempts(['error'], 'listening', 'deny').outcome, 'inconclusive');
  assert.equal(judgeAttempts(['unsupported'], 'listening', 'allow').outcome, 'inconclusive');
});

test('a deny whose destination is not listening is reported inconclusive, never passed', () => {
  const judged = judgeAttempts(['timeout'], 'not-listening', 'deny');
  assert.equal(judged.outcome, 'inconclusive');
  assert.match(judged.reason ?? '', /no listener/);
});

test('attempts that disagree between allow and deny are flaky', () => {
  const judged = judgeAttempts(['connected', 'timeout', 'connected'], 'listening', 'allow');
  assert.equal(judged.outcome, 'flaky');
  assert.match(judged.reason ?? '', /connected, timeout, connected/);
});

test('agreeing attempts pass or fail against the expectation', () => {
  assert.equal(judgeAttempts(['timeout', 'timeout'], 'listening', 'deny').outcome, 'pass');
  assert.equal(judgeAttempts(['connected', 'connected'], 'listening', 'deny').outcome, 'fail');
  assert.equal(judgeAttempts(['denied'], 'unknown', 'allow').outcome, 'fail');
});

/** One pair of capture-proven attempts, judged as the runner judges them. */
function judgeCaptured(
  attempts: readonly (readonly [CaptureSight, Observation])[],
  listener: ListenerEvidence,
  expected: 'allow' | 'deny',
) {
  const observations = attempts.map(([seen, sent]) => capturedObservation(seen, sent, listener));
  return judgeAttempts(observations, listener, expected);
}

test('UDP proven by capture: a datagram seen arriving is an allow, whatever the sender saw', () => {
  for (const sent of ['timeout', 'refused', 'unreachable'] as const)
    for (const listener of ['listening', 'unknown'] as const) {
      assert.equal(capturedObservation('seen', sent, listener), 'connected');
      assert.deepEqual(judgeCaptured([['seen', sent]], listener, 'allow'), { outcome: 'pass' });
      assert.equal(judgeCaptured([['seen', sent]], listener, 'deny').outcome, 'fail');
    }
});

test('UDP proven by capture: seen arriving at a port shown closed is inconclusive, never an allow', () => {
  // The closed port's own port-unreachable, or nothing back (ICMP rate-limited): either way no listener.
  for (const sent of ['refused', 'timeout'] as const) {
    assert.equal(capturedObservation('seen', sent, 'not-listening'), sent);
    for (const expected of ['allow', 'deny'] as const) {
      const judged = judgeCaptured([['seen', sent]], 'not-listening', expected);
      assert.equal(judged.outcome, 'inconclusive', `${sent} ${expected}`);
      assert.match(judged.reason ?? '', /closed|no listener/);
    }
  }
});

test('UDP proven by capture: none seen is a deny only with the destination shown listening', () => {
  const unseen = capturedObservation('not-seen', 'timeout', 'listening');
  assert.equal(unseen, 'timeout');
  assert.deepEqual(judgeCaptured([['not-seen', 'timeout']], 'listening', 'deny'), { outcome: 'pass' });
  const failed = judgeCaptured([['not-seen', 'timeout']], 'listening', 'allow');
  assert.equal(failed.outcome, 'fail');
  assert.match(failed.reason ?? '', /observed deny/);
  for (const listener of ['not-listening', 'unknown'] as const) {
    const judged = judgeCaptured([['not-seen', 'timeout']], listener, 'deny');
    assert.equal(judged.outcome, 'inconclusive', listener);
    assert.match(judged.reason ?? '', /cannot be blamed on policy/);
  }
  // An ICMP reject on the way is the sender's to report, as for any probe.
  assert.equal(capturedObservation('not-seen', 'unreachable', 'listening'), 'unreachable');
});

test('UDP proven by capture: a failed capture, or a sender claiming an answer nobody saw, proves nothing', () => {
  for (const listener of ['listening', 'not-listening', 'unknown'] as const) {
    assert.equal(capturedObservation('error', 'timeout', listener), 'error');
    assert.equal(capturedObservation('error', 'connected', listener), 'error');
    assert.equal(capturedObservation('not-seen', 'connected', listener), 'error');
  }
  assert.equal(judgeCaptured([['error', 'timeout']], 'listening', 'deny').outcome, 'inconclusive');
});

test('UDP proven by capture: attempts seen and not seen with a listener are flaky', () => {
  const judged = judgeCaptured(
    [
      ['seen', 'timeout'],
      ['not-seen', 'timeout'],
    ],
    'listening',
    'allow',
  );
  assert.equal(judged.outcome, 'flaky');
});
