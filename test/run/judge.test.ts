import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeAttempts, judgeObservation } from '../../src/run/index.js';

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
