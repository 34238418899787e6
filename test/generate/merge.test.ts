/**
 * `generate: true` and `--generate`: a suite's own assertions plus the generated cases,
 * planned together, and each of the suite's own assertions checked against the model
 * before anything runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeGenerated } from '../../src/generate/index.js';
import { planProbes } from '../../src/plan/index.js';
import type { Suite } from '../../src/suite/index.js';
import { parseSuiteText } from '../../src/suite/index.js';
import { assertAllHold, exampleState } from './fixtures.js';

function suite(text: string, file = 'suites/a.yaml'): Suite {
  const parsed = parseSuiteText(`apiVersion: netpol-assert/v1\nkind: Suite\n${text}`, file);
  assert.deepEqual(parsed.errors, []);
  const [first] = parsed.suites;
  assert.ok(first);
  return first;
}

const WITH_GENERATE = suite(
  [
    'metadata: {name: with-generate}',
    'generate: true',
    'assertions:',
    '  - from default/app=bookstore to default/app=bookstore,role=api:8080 expect allow',
  ].join('\n'),
);
const WITHOUT = suite(
  [
    'metadata: {name: without}',
    'assertions:',
    '  - from default/app=web to default/app=db:5432 expect deny',
  ].join('\n'),
  'suites/b.yaml',
);

test('a suite with generate: true gets the generated cases after its own, placed on the suite', async () => {
  const state = await exampleState();
  const merged = mergeGenerated([WITH_GENERATE, WITHOUT], state);
  const [withCases, untouched] = merged.suites;
  assert.ok(withCases && untouched);
  assert.equal(withCases.assertions[0], WITH_GENERATE.assertions[0]);
  const generated = withCases.assertions.filter((a) => a.origin.kind === 'generated');
  assert.equal(generated.length, merged.generated);
  assert.ok(generated.length > 20);
  assert.ok(
    generated.every(
      (a) => a.location.file === 'suites/a.yaml' && a.location.line === WITH_GENERATE.location.line,
    ),
  );
  assert.deepEqual(untouched, WITHOUT);
  assert.deepEqual(merged.contradictions, []);
  assertAllHold(merged.suites, state);
});

test('--generate adds the cases to every suite, and identical probes are planned once', async () => {
  const state = await exampleState();
  const merged = mergeGenerated([WITH_GENERATE, WITHOUT], state, { all: true });
  const perSuite = merged.suites.map((s) => s.assertions.filter((a) => a.origin.kind === 'generated').length);
  assert.ok(
    perSuite.every((n) => n > 20),
    String(perSuite),
  );
  const plan = planProbes(merged.suites, state);
  const pairsOfOneSuite = planProbes([merged.suites[0] as Suite], state).pairs.size;
  const pairsOfOther = planProbes([merged.suites[1] as Suite], state).pairs.size;
  assert.ok(plan.pairs.size < pairsOfOneSuite + pairsOfOther, 'shared pairs are planned once');
  assertAllHold(merged.suites, state);
});

test("a generated case that repeats one of the suite's own assertions is not added again", async () => {
  const state = await exampleState();
  const own = suite(
    [
      'metadata: {name: repeats}',
      'generate: true',
      'assertions:',
      '  - name: mine',
      '    from: default/role=api',
      '    to: default/app=db',
      '    port: 5432',
      '    expect: allow',
    ].join('\n'),
  );
  const merged = mergeGenerated([own], state);
  const names = merged.suites[0]?.assertions.map((a) => a.name) ?? [];
  assert.ok(names.includes('mine'));
  assert.ok(!names.includes('generated: default/db-allow-api ingress[0] from[0] positive'));
  assert.ok(
    names.includes('generated: default/db-allow-api ingress[0] from[0] negative: pod labels role!=api'),
  );
});

test('an assertion the policies contradict is reported with its pair and the model verdict', async () => {
  const state = await exampleState();
  const wrong = suite(
    [
      'metadata: {name: wrong}',
      'generate: true',
      'assertions:',
      '  - from default/app=bookstore to default/app=web:80 expect allow',
      '  - from shop/* to default/app=web:80 expect allow',
    ].join('\n'),
  );
  const merged = mergeGenerated([wrong], state);
  assert.equal(merged.contradictions.length, 1);
  const [contradiction] = merged.contradictions;
  assert.ok(contradiction);
  assert.equal(contradiction.assertion.name, 'from shop/* to default/app=web:80 expect allow');
  assert.deepEqual(contradiction.assertion.location, { file: 'suites/a.yaml', line: 7, col: 5 });
  assert.equal(contradiction.pairs, 2);
  assert.equal(contradiction.disagreeing, 2);
  assert.equal(contradiction.verdict.allowed, false);
  assert.equal(
    contradiction.pair.destination.kind === 'pod' && contradiction.pair.destination.pod.labels['app'],
    'web',
  );
  assert.deepEqual(contradiction.verdict.egress.isolatedBy, [{ namespace: 'shop', name: 'egress-lockdown' }]);
});

test('without generation nothing is checked unless asked; checkAll checks every suite', async () => {
  const state = await exampleState();
  const wrong = suite(
    ['metadata: {name: wrong}', 'assertions:', '  - from shop/* to default/app=web:80 expect allow'].join(
      '\n',
    ),
  );
  const plain = mergeGenerated([wrong], state);
  assert.equal(plain.generated, 0);
  assert.deepEqual(plain.contradictions, []);
  assert.deepEqual(plain.suites, [wrong]);
  const checked = mergeGenerated([wrong], state, { checkAll: true });
  assert.equal(checked.generated, 0);
  assert.equal(checked.contradictions.length, 1);
  assert.deepEqual(checked.suites[0]?.assertions, wrong.assertions);
});
