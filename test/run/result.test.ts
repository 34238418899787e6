import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineOutcomes } from '../../src/run/index.js';

test('an outcome list with one failure fails as a whole', () => {
  assert.equal(combineOutcomes(['pass', 'fail', 'flaky']), 'fail');
  assert.equal(combineOutcomes(['pass', 'pass']), 'pass');
  assert.equal(combineOutcomes([]), 'inconclusive');
});
