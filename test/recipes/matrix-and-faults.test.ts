/**
 * The seed study's ✓/❌/~ matrix from run results; what a live run skips; and, from the
 * model, which assertions each lab `--cni` fault must break: derived by rewriting the
 * policies as the faulty plugin enforces them, and checked against a reading of the
 * recipes by hand.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Outcome, RunResult } from '../../src/run/index.js';
import {
  allPassed,
  listRecipeIds,
  liveSuite,
  loadRecipe,
  matrixOf,
  OUTSIDE_SOURCE_SKIP,
  renderMatrix,
  summaryOf,
} from '../../src/recipes/index.js';
import type { RecipePack } from '../../src/recipes/index.js';
import type { Suite } from '../../src/suite/index.js';
import { caseKey, expectedFailures } from './fault-model.js';
import type { FaultMode } from './fault-model.js';

const packs: RecipePack[] = [];
for (const id of await listRecipeIds()) {
  const load = await loadRecipe(id);
  if (load.ok) packs.push(load.pack);
}
const pack = (id: string): RecipePack => {
  const found = packs.find((p) => p.id.startsWith(id));
  assert.ok(found, id);
  return found;
};

function runOf(outcomes: Record<string, Record<string, Outcome>>): RunResult {
  const suites = Object.entries(outcomes).map(([name, cases]) => {
    const suite = { name, assertions: [] } as unknown as Suite;
    return {
      suite,
      assertions: Object.entries(cases).map(([assertion, outcome]) => ({
        assertion: { name: assertion } as Suite['assertions'][number],
        outcome,
        pairs: [],
        durationMs: 0,
      })),
      durationMs: 0,
    };
  });
  return { mode: 'run', target: 'test', suites, durationMs: 0, policies: [] };
}

describe('the ✓/❌/~ matrix', () => {
  const runs = [
    runOf({ '01-a': { steady: 'pass', racy: 'pass', broken: 'fail' }, '02-b': { outside: 'skip' } }),
    runOf({ '01-a': { steady: 'pass', racy: 'flaky', broken: 'inconclusive' }, '02-b': { outside: 'skip' } }),
  ];
  const matrix = matrixOf(runs, ['1', '2']);

  test('one row per case in the order of the first run, one cell per run; flaky and inconclusive fail', () => {
    assert.deepEqual(
      matrix.rows.map((row) => [row.recipe, row.name, ...row.cells]),
      [
        ['01-a', 'steady', 'pass', 'pass'],
        ['01-a', 'racy', 'pass', 'fail'],
        ['01-a', 'broken', 'fail', 'fail'],
        ['02-b', 'outside', 'skip', 'skip'],
      ],
    );
  });

  test('the last column: ✓ always passed, ❌ always failed, ~ sometimes, – never ran', () => {
    assert.deepEqual(
      matrix.rows.map((row) => summaryOf(row.cells)),
      ['✓', '~', '❌', '–'],
    );
    assert.equal(summaryOf(['pass', 'skip']), '✓');
  });

  test('a matrix passes only when every case that ran passed every time', () => {
    assert.equal(allPassed(matrix), false);
    assert.equal(allPassed(matrixOf([runs[0] as RunResult], ['1'])), false);
    assert.equal(allPassed(matrixOf([runOf({ x: { a: 'pass', b: 'skip' } })], ['1'])), true);
  });

  test('renders as a Markdown table that names each recipe once', () => {
    assert.equal(
      renderMatrix(matrix, { summary: true }),
      [
        '| recipe | case | 1 | 2 | result |',
        '| --- | --- | --- | --- | --- |',
        '| 01-a | steady | ✓ | ✓ | ✓ |',
        '|  | racy | ✓ | ❌ | ~ |',
        '|  | broken | ❌ | ❌ | ❌ |',
        '| 02-b | outside | – | – | – |',
        '',
      ].join('\n'),
    );
  });
});

describe('what a live run of a pack skips', () => {
  const skips = (suite: Suite) =>
    suite.assertions.flatMap((a) => (a.skip === undefined ? [] : [[a.name, a.skip]]));

  test("an outside address as a source: sent from the pack's outside host in the lab, offline only elsewhere", () => {
    assert.deepEqual(skips(liveSuite(pack('08'), { outsideHosts: true })), []);
    assert.deepEqual(skips(liveSuite(pack('08'), { outsideHosts: false })), [
      ['an external client still reaches web', OUTSIDE_SOURCE_SKIP],
    ]);
  });

  test('an address as a source that is none of the pack\'s outside hosts is skipped in the lab too', () => {
    const loaded = pack('08');
    const [external] = loaded.suite.assertions;
    assert.equal(external?.from.kind, 'address');
    const elsewhere = { ...external, from: { kind: 'address', address: '203.0.113.99', prefix: 32 } } as const;
    const suite = liveSuite({ ...loaded, suite: { ...loaded.suite, assertions: [elsewhere] } }, { outsideHosts: true });
    assert.deepEqual(skips(suite), [
      [elsewhere.name, 'needs an outside host at 203.0.113.99 to send from; the pack makes none there'],
    ]);
  });

  test("outside the lab, every assertion to a pack's outside host: nothing may be sent to that address", () => {
    assert.deepEqual(skips(liveSuite(pack('14'), { outsideHosts: true })), []);
    assert.deepEqual(skips(liveSuite(pack('14'), { outsideHosts: false })), [
      [
        'a connection to an external address is blocked',
        'needs the outside host 198.51.100.14, which only the lab makes (--lab)',
      ],
    ]);
  });
});

describe('which assertions each lab fault must break, from the model', () => {
  const failures = (mode: FaultMode) => new Set(packs.flatMap((p) => [...expectedFailures(p, mode)]));
  const all = packs.flatMap((p) => p.suite.assertions.map((a) => ({ key: caseKey(p.id, a.name), a })));

  test('full (a conformant plugin) breaks none', () => {
    assert.deepEqual([...failures('full')], []);
  });

  test('none (no policy support) breaks exactly the deny assertions, and no allow', () => {
    const denies = all.filter(({ a }) => a.expect === 'deny').map(({ key }) => key);
    assert.deepEqual([...failures('none')].sort(), denies.sort());
  });

  test('ingress-only breaks the denies that only an egress policy enforces: recipes 11, 12 and 14', () => {
    assert.deepEqual([...failures('ingress-only')].sort(), [
      caseKey('11-deny-egress-traffic-from-an-application', 'the connection to web is blocked'),
      caseKey('11-deny-egress-traffic-from-an-application', 'the connection to www.example.com is blocked'),
      caseKey(
        '12-deny-all-non-whitelisted-traffic-from-the-namespace',
        'DNS resolution from default is dropped too',
      ),
      caseKey(
        '12-deny-all-non-whitelisted-traffic-from-the-namespace',
        'traffic from a pod in default to another pod is dropped',
      ),
      caseKey(
        '12-deny-all-non-whitelisted-traffic-from-the-namespace',
        'traffic from default to outside the cluster is dropped',
      ),
      caseKey('14-deny-external-egress-traffic', 'a connection to an external address is blocked'),
    ]);
  });

  test('no-combined-selectors breaks the one allow admitted by a namespaceSelector+podSelector peer (recipe 07), and no deny', () => {
    assert.deepEqual(
      [...failures('no-combined-selectors')],
      [
        caseKey(
          '07-allow-traffic-from-some-pods-in-another-namespace',
          'a pod in other with type=monitoring is allowed',
        ),
      ],
    );
  });
});
