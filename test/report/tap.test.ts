import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from 'tap-parser';
import type { FinalResults, Result } from 'tap-parser';
import { createReporter } from '../../src/report/index.js';
import type { AssertionResult } from '../../src/run/index.js';
import { ADMITTED_TEXT, NOT_ISOLATED_TEXT, outlineOf, passingRun, sampleRun, SHOP_FILE } from './fixtures.js';

interface ParsedTap {
  readonly version: number | undefined;
  readonly final: FinalResults;
  /** Test points of each subtest, by the subtest's name. */
  readonly children: ReadonlyMap<string, { asserts: Result[]; final: FinalResults }>;
}

function parseTap(text: string): Promise<ParsedTap> {
  return new Promise((resolve) => {
    const children = new Map<string, { asserts: Result[]; final: FinalResults }>();
    let version: number | undefined;
    const parser = new Parser((final) => resolve({ version, final, children }));
    parser.on('version', (v: number) => (version = v));
    parser.on('child', (child: Parser) => {
      const asserts: Result[] = [];
      child.on('assert', (point: Result) => asserts.push(point));
      child.on('complete', (final: FinalResults) => children.set(child.name, { asserts, final }));
    });
    parser.end(text);
  });
}

const tap = createReporter('tap');

test('the report is TAP version 14 with one subtest per suite file', async () => {
  const parsed = await parseTap(tap.render(sampleRun()));
  assert.equal(parsed.version, 14);
  assert.deepEqual([...parsed.children.keys()], ['shop', 'dns']);
  assert.equal(parsed.final.plan.end, 2);
  assert.equal(parsed.final.count, 2);
  assert.equal(parsed.final.ok, false);
  assert.equal(parsed.final.pass, 1, 'dns holds');
  assert.equal(parsed.final.fail, 1, 'shop does not');
  assert.deepEqual(
    parsed.final.failures.map((f) => ('name' in f ? f.name : f.tapError)),
    ['shop'],
  );
});

test('each assertion is a test point; flaky and inconclusive are not ok, a skip is a SKIP', async () => {
  const { children } = await parseTap(tap.render(sampleRun()));
  const shop = children.get('shop');
  assert.ok(shop);
  assert.equal(shop.final.plan.end, 5);
  assert.deepEqual(
    shop.asserts.map((p) => [p.id, p.ok, p.name, p.skip]),
    [
      [1, true, 'from shop/* to shop/app=web:8080 expect allow', false],
      [2, false, 'db is closed to the shop', false],
      [3, false, 'from shop/* to shop/app=cache:6379 expect deny', false],
      [4, false, 'from shop/* to shop/app=queue:5672 expect deny', false],
      [5, true, 'metrics # later', 'metrics port not ready'],
    ],
  );
  assert.equal(shop.final.fail, 3);
  assert.equal(shop.final.skip, 1);
});

test('every test point carries its file, line, column and expectation', async () => {
  const { children } = await parseTap(tap.render(sampleRun()));
  for (const point of children.get('shop')?.asserts ?? []) {
    assert.equal(point.diag.file, SHOP_FILE);
    assert.equal(point.diag.col, 5);
    assert.ok(['allow', 'deny'].includes(point.diag.expected));
  }
  assert.deepEqual(
    children.get('shop')?.asserts.map((p) => p.diag.line),
    [8, 9, 10, 11, 12],
  );
});

test('a failure names each failing pair with its observations, reason and explanation', async () => {
  const { children } = await parseTap(tap.render(sampleRun()));
  const failure = children.get('shop')?.asserts[1];
  assert.equal(failure?.diag.severity, 'fail');
  assert.equal(failure?.diag.message, 'expected deny; 3 pairs: 2 failed, 1 held');
  assert.deepEqual(failure?.diag.pairs, [
    {
      source: 'shop/web-1 (10.244.1.5)',
      destination: 'shop/db-0 (10.244.2.9)',
      port: '5432/TCP',
      outcome: 'fail',
      observations: ['connected'],
      reason: 'connected, expected a deny',
      explanation: ADMITTED_TEXT.join('\n'),
    },
    {
      source: 'shop/web-2 (10.244.1.6)',
      destination: 'shop/db-0 (10.244.2.9)',
      port: '5432/TCP',
      outcome: 'fail',
      observations: ['connected'],
      explanation: NOT_ISOLATED_TEXT.join('\n'),
    },
  ]);
});

test('flaky and inconclusive say so in their severity', async () => {
  const { children } = await parseTap(tap.render(sampleRun()));
  const [, , flaky, inconclusive] = children.get('shop')?.asserts ?? [];
  assert.equal(flaky?.diag.severity, 'flaky');
  assert.deepEqual(flaky?.diag.pairs[0].observations, ['timeout', 'connected', 'timeout']);
  assert.equal(inconclusive?.diag.severity, 'inconclusive');
  assert.equal(inconclusive?.diag.pairs[0].reason, 'the port is closed on a pod that is not ours');
});

test('a run where everything held parses as a passing TAP stream', async () => {
  const { final } = await parseTap(tap.render(passingRun()));
  assert.equal(final.ok, true);
  assert.equal(final.fail, 0);
  assert.deepEqual(final.failures, []);
});

test('a name with a newline stays on its test point line', async () => {
  const run = sampleRun();
  const [shop] = run.suites;
  assert.ok(shop);
  const [first] = shop.assertions;
  assert.ok(first);
  const renamed = { ...first, assertion: { ...first.assertion, name: 'two\nlines' } };
  const { children } = await parseTap(tap.render({ ...run, suites: [{ ...shop, assertions: [renamed] }] }));
  assert.equal(children.get('shop')?.asserts[0]?.name, 'two lines');
});

test('as a run goes, the stream gives the plan first, each test point as it is judged, and joins to the whole report', async () => {
  const run = sampleRun();
  const stream = tap.stream?.(outlineOf(run));
  assert.ok(stream, 'TAP follows a run');
  assert.equal(stream.head, 'TAP version 14\n# netpol-assert run against kind-ci\n1..2\n');
  const [shop] = run.suites;
  assert.ok(shop);
  const first = stream.onAssertion(shop.assertions[0] as AssertionResult, { suite: 0, assertion: 0 });
  assert.match(
    first,
    /^# Subtest: shop\n {4}1\.\.5\n {4}ok 1 - from shop\/\* to shop\/app=web:8080 expect allow\n/,
  );
  const rest = shop.assertions
    .slice(1)
    .map((result, index) => stream.onAssertion(result, { suite: 0, assertion: index + 1 }));
  const closing = stream.onSuite(shop, 0);
  assert.match(closing, /^not ok 1 - shop\n/);
  const dns = run.suites[1];
  assert.ok(dns);
  const whole = [
    stream.head,
    first,
    ...rest,
    closing,
    ...dns.assertions.map((result, assertion) => stream.onAssertion(result, { suite: 1, assertion })),
    stream.onSuite(dns, 1),
    stream.end(run),
  ].join('');
  assert.equal(whole, tap.render(run));
  assert.equal((await parseTap(whole)).final.count, 2);
});

test('a run that stops half way ends its stream with a Bail out!, which a TAP reader fails', async () => {
  const run = sampleRun();
  const stream = tap.stream?.(outlineOf(run));
  assert.ok(stream);
  const [shop] = run.suites;
  const partial =
    stream.head + stream.onAssertion(shop?.assertions[0] as AssertionResult, { suite: 0, assertion: 0 });
  const text = partial + stream.bail('interrupted');
  assert.ok(text.endsWith('Bail out! interrupted\n'));
  const { final } = await parseTap(text);
  assert.equal(final.ok, false);
  assert.equal(final.bailout, 'interrupted');
});
