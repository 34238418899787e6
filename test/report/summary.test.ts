import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReporter, exitCodeFor, REPORTER_NAMES, summarize } from '../../src/report/index.js';
import type { RunResult } from '../../src/run/index.js';
import { passingRun, sampleRun, shopSuiteResult } from './fixtures.js';

function runWith(...outcomes: string[]): RunResult {
  const shop = shopSuiteResult();
  return sampleRun({
    suites: [{ ...shop, assertions: shop.assertions.filter((r) => outcomes.includes(r.outcome)) }],
  });
}

test('summarize counts each outcome over every suite', () => {
  assert.deepEqual(summarize(sampleRun()), {
    pass: 2,
    fail: 1,
    flaky: 1,
    inconclusive: 1,
    skip: 1,
    total: 6,
  });
  assert.deepEqual(summarize(sampleRun({ suites: [] })), {
    pass: 0,
    fail: 0,
    flaky: 0,
    inconclusive: 0,
    skip: 0,
    total: 0,
  });
});

test('the exit code is 0 when every assertion held or was skipped', () => {
  assert.equal(exitCodeFor(passingRun()), 0);
  assert.equal(exitCodeFor(runWith('pass', 'skip')), 0);
  assert.equal(exitCodeFor(sampleRun({ suites: [] })), 0);
});

test('the exit code is 1 for a failure, a flaky assertion, or an inconclusive one alone', () => {
  assert.equal(exitCodeFor(runWith('pass', 'fail')), 1);
  assert.equal(exitCodeFor(runWith('pass', 'flaky')), 1);
  assert.equal(exitCodeFor(runWith('pass', 'inconclusive')), 1);
});

test('createReporter gives a reporter of each name', () => {
  for (const name of REPORTER_NAMES) {
    const reporter = createReporter(name);
    assert.equal(reporter.name, name);
    assert.match(reporter.render(sampleRun()), /\n$/);
  }
  // Reports read top to bottom follow a run; JUnit, GitHub and JSON are written whole.
  assert.deepEqual(
    REPORTER_NAMES.filter((name) => createReporter(name).stream !== undefined),
    ['pretty', 'tap'],
  );
});
