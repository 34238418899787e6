import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stripVTControlCharacters } from 'node:util';
import { createPrettyReporter, formatDuration } from '../../src/report/index.js';
import { passingRun, sampleRun, shopSuiteResult } from './fixtures.js';

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
    '        ingress to shop/db-0:',
    '          allowed by shop/allow-all (rule 0: any peer)',
    '      shop/web-2 (10.244.1.6) → shop/db-0 (10.244.2.9) 5432/TCP: connected (fail)',
    '        no policy isolates shop/db-0 for ingress',
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

test('progress shows the mark line of each assertion as it finishes', () => {
  const [, failing] = shopSuiteResult().assertions;
  assert.ok(failing);
  assert.equal(plain.onAssertion?.(failing), '  ✗ db is closed to the shop  suites/shop.yaml:9');
});

test('durations read as milliseconds, seconds, or minutes and seconds', () => {
  assert.equal(formatDuration(840), '840ms');
  assert.equal(formatDuration(12_340), '12.3s');
  assert.equal(formatDuration(125_000), '2m 5s');
});
