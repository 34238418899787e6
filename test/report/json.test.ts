import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { createReporter, REPORT_SCHEMA_ID, toJsonReport } from '../../src/report/index.js';
import type { JsonReport } from '../../src/report/index.js';
import { ADMITTED_TEXT, passingRun, sampleRun } from './fixtures.js';

const schema: unknown = JSON.parse(
  readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8'),
);
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema as object);
const json = createReporter('json');

function parse(text: string): JsonReport {
  return JSON.parse(text) as JsonReport;
}

test('the schema has the $id the report points to', () => {
  assert.equal((schema as { $id: string }).$id, REPORT_SCHEMA_ID);
});

test('the report of a run with every outcome validates against the schema', () => {
  const report: unknown = JSON.parse(json.render(sampleRun()));
  assert.equal(validate(report), true, JSON.stringify(validate.errors, null, 2));
});

test('the report of a passing prediction validates too', () => {
  const report: unknown = JSON.parse(json.render({ ...passingRun(), mode: 'predict' }));
  assert.equal(validate(report), true, JSON.stringify(validate.errors, null, 2));
});

test('the schema rejects a report with an unknown outcome or a missing field', () => {
  const report = JSON.parse(json.render(sampleRun())) as { suites: { assertions: { outcome: string }[] }[] };
  const first = report.suites[0]?.assertions[0];
  assert.ok(first);
  first.outcome = 'maybe';
  assert.equal(validate(report), false);
  const withoutSummary = JSON.parse(json.render(sampleRun())) as Record<string, unknown>;
  delete withoutSummary.summary;
  assert.equal(validate(withoutSummary), false);
});

test('the report carries counts, the exit code, and every pair of every assertion', () => {
  const report = parse(json.render(sampleRun()));
  assert.equal(report.exitCode, 1);
  assert.deepEqual(report.summary, { pass: 2, fail: 1, flaky: 1, inconclusive: 1, skip: 1, total: 6 });
  assert.deepEqual(
    report.suites.map((s) => [s.name, s.summary.total]),
    [
      ['shop', 5],
      ['dns', 1],
    ],
  );
  const failing = report.suites[0]?.assertions[1];
  assert.equal(failing?.outcome, 'fail');
  assert.equal(failing?.pairs.length, 3);
  assert.deepEqual(failing?.location, { file: 'suites/shop.yaml', line: 9, col: 5 });
  assert.deepEqual(
    [failing?.from, failing?.to, failing?.port, failing?.protocol],
    ['shop/*', 'shop/app=db', 5432, 'TCP'],
  );
  assert.equal(parse(json.render(passingRun())).exitCode, 0);
});

test('a pair that did not pass carries the model verdict as data, and in words', () => {
  const report = parse(json.render(sampleRun()));
  const [first, second, third] = report.suites[0]?.assertions[1]?.pairs ?? [];
  assert.deepEqual(first?.verdict?.ingress.admittedBy, [
    { policy: { namespace: 'shop', name: 'allow-all' }, rule: 0, peer: 'anyPeer', port: 'anyPort' },
  ]);
  assert.equal(first?.verdict?.ingress.decision, 'admitted');
  assert.equal(first?.explanation, ADMITTED_TEXT.join('\n'));
  assert.equal(second?.verdict?.ingress.decision, 'notIsolated');
  assert.equal(second?.verdict?.allowed, true);
  assert.equal(third?.outcome, 'pass');
  assert.equal(third?.verdict, undefined, 'a passing pair needs no reasons');
});

test('the schema rejects a verdict with an unknown decision', () => {
  const report = JSON.parse(json.render(sampleRun())) as {
    suites: { assertions: { pairs: { verdict?: { ingress: { decision: string } } }[] }[] }[];
  };
  const verdict = report.suites[0]?.assertions[1]?.pairs[0]?.verdict;
  assert.ok(verdict);
  verdict.ingress.decision = 'probably';
  assert.equal(validate(report), false);
});

test('written in pieces, an assertion at a time, the report is the same text as pretty-printed whole', () => {
  const runs = [
    sampleRun(),
    passingRun(),
    { ...sampleRun(), suites: [] },
    { ...sampleRun(), suites: sampleRun().suites.map((suite) => ({ ...suite, assertions: [] })) },
  ];
  for (const run of runs) {
    const pieces = [...(json.chunks?.(run) ?? [])];
    const assertions = run.suites.reduce((count, suite) => count + suite.assertions.length, 0);
    assert.ok(pieces.length > assertions, 'at least one piece per assertion');
    assert.equal(pieces.join(''), `${JSON.stringify(toJsonReport(run), null, 2)}\n`);
    assert.equal(json.render(run), pieces.join(''));
  }
});
