import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { createPrettyReporter, formatDuration } from '../../src/report/index.js';
import { ADMITTED_TEXT, NOT_ISOLATED_TEXT, outlineOf, passingRun, sampleRun } from './fixtures.js';

const plain = createPrettyReporter();

test('each suite has a header, each assertion a mark, its name and file:line', () => {
  const lines = plain.render(sampleRun()).split('\n');
  assert.ok(lines.includes('shop  suites/shop.yaml'));
  assert.ok(lines.includes('dns  suites/dns.yaml'));
  const marks = lines.filter((line) => /^ {2}[✓✗~?-] /.test(line));
  assert.deepEqual(marks, [
    '  ✓ from shop/* to shop/app=web:8080 expect allow  suites/shop.yaml:8',
    '  ✗ db is closed to the shop  suites/shop.yaml:9',
    '  ~ from shop/* to shop/app=cache:6379 expect deny  suites/shop.yaml:10',
    '  ? from shop/* to shop/app=queue:5672 expect deny  suites/shop.yaml:11',
    '  - metrics # later  suites/shop.yaml:12',
    '  ✓ dns is open  suites/dns.yaml:4',
  ]);
});

test('a failure lists its failing pairs, indented, with the explanation under each', () => {
  const text = plain.render(sampleRun());
  const start = text.indexOf('  ✗ db is closed to the shop');
  const block = text.slice(start, text.indexOf('  ~ ', start)).trimEnd().split('\n');
  assert.deepEqual(block, [
    '  ✗ db is closed to the shop  suites/shop.yaml:9',
    '      expected deny; 3 pairs: 2 failed, 1 held',
    '      shop/web-1 (10.244.1.5) → shop/db-0 (10.244.2.9) 5432/TCP: connected (fail: connected, expected a deny)',
    ...ADMITTED_TEXT.map((line) => `        ${line}`),
    '      shop/web-2 (10.244.1.6) → shop/db-0 (10.244.2.9) 5432/TCP: connected (fail)',
    ...NOT_ISOLATED_TEXT.map((line) => `        ${line}`),
  ]);
});

test('a skipped assertion shows its reason', () => {
  assert.match(
    plain.render(sampleRun()),
    / {2}- metrics # later {2}suites\/shop\.yaml:12\n {6}skipped: metrics port not ready\n/,
  );
});

test('the summary line counts every outcome and the duration', () => {
  const lines = plain.render(sampleRun()).trimEnd().split('\n');
  assert.equal(lines.at(-1), '6 assertions: 2 passed, 1 failed, 1 flaky, 1 inconclusive, 1 skipped (1.2s)');
  assert.equal(plain.render(passingRun()).trimEnd().split('\n').at(-1), '2 assertions: 2 passed (1.2s)');
});

test('without colour there are no escape codes; with colour the text is the same underneath', () => {
  const uncoloured = plain.render(sampleRun());
  const escape = '\u001b[';
  assert.equal(uncoloured.includes(escape), false);
  const coloured = createPrettyReporter({ color: true }).render(sampleRun());
  assert.ok(coloured.includes(`${escape}31m✗${escape}39m`), 'a red cross');
  assert.ok(coloured.includes(`${escape}32m✓${escape}39m`), 'a green tick');
  assert.equal(stripVTControlCharacters(coloured), uncoloured);
});

test('as a run goes, each assertion is written as it is judged, and the pieces are the whole report', () => {
  const run = sampleRun();
  const stream = plain.stream?.(outlineOf(run));
  assert.ok(stream, 'pretty reports follow a run');
  const pieces = [stream.head];
  run.suites.forEach((suite, index) => {
    suite.assertions.forEach((result, assertion) =>
      pieces.push(stream.onAssertion(result, { suite: index, assertion })),
    );
    pieces.push(stream.onSuite(suite, index));
  });
  pieces.push(stream.end(run));
  assert.equal(pieces.join(''), plain.render(run));
  assert.equal(pieces[0], 'netpol-assert run against kind-ci\n', 'the header before any assertion');
  assert.equal(
    pieces[1],
    '\nshop  suites/shop.yaml\n  ✓ from shop/* to shop/app=web:8080 expect allow  suites/shop.yaml:8\n',
  );
  assert.match(pieces[2] ?? '', /^ {2}✗ db is closed to the shop {2}suites\/shop\.yaml:9\n {6}expected deny/);
});

test('durations read as milliseconds, seconds, or minutes and seconds', () => {
  assert.equal(formatDuration(840), '840ms');
  assert.equal(formatDuration(12_340), '12.3s');
  assert.equal(formatDuration(125_000), '2m 5s');
});
