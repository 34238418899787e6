/**
 * The suite key `recipes: [ID...]`: the packs a run's suites name are loaded once, by id
 * or number, and their assertions are appended to each suite that names them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSuiteRecipes, withRecipeAssertions } from '../../src/recipes/index.js';
import { formatProblem } from '../../src/shared/index.js';
import { parseSuiteText } from '../../src/suite/index.js';
import type { Suite } from '../../src/suite/index.js';

function suite(text: string): Suite {
  const parsed = parseSuiteText(`apiVersion: netpol-assert/v1\nkind: Suite\n${text}`, 'suites/s.yaml');
  assert.deepEqual(parsed.errors, []);
  const [only] = parsed.suites;
  assert.ok(only);
  return only;
}

describe('suites that name recipes', () => {
  const shop = suite(
    "metadata: {name: shop}\nrecipes: ['08', 07-allow-traffic-from-some-pods-in-another-namespace]\nassertions:\n  - from a/* to b/x=y:80 expect deny\n",
  );
  const other = suite("metadata: {name: other}\nrecipes: ['07']\n");
  const plain = suite('metadata: {name: plain}\nassertions:\n  - from a/* to b/x=y:80 expect allow\n');

  test('each named pack is loaded once for the run, in its run-scoped namespaces', async () => {
    const named = await loadSuiteRecipes([shop, other, plain], { run: 'cafe01' });
    assert.ok(named.ok);
    assert.deepEqual(
      named.packs.map((pack) => [pack.id, pack.namespaces.get('default')]),
      [
        ['08-allow-external-traffic', 'rcp-08-cafe01-default'],
        ['07-allow-traffic-from-some-pods-in-another-namespace', 'rcp-07-cafe01-default'],
      ],
    );
  });

  test("a suite keeps its own assertions first, then each pack's, as a live run can probe them", async () => {
    const named = await loadSuiteRecipes([shop, other, plain], { run: 'cafe01' });
    assert.ok(named.ok);
    const [merged, second, third] = withRecipeAssertions([shop, other, plain], named.packs, { outsideHosts: true });
    assert.deepEqual(
      merged?.assertions.map((a) => [a.origin.kind === 'recipe' ? a.origin.recipe.slice(0, 2) : 'suite', a.skip]),
      [
        ['suite', undefined],
        ['08', undefined],
        ['08', undefined],
        ['07', undefined],
        ['07', undefined],
        ['07', undefined],
        ['07', undefined],
      ],
    );
    assert.equal(second?.assertions.length, 4);
    assert.equal(third, plain);
  });

  test('a recipe that is not a pack is bad input, named with its suite', async () => {
    const wrong = suite("metadata: {name: wrong}\nrecipes: ['13', 02a]\n");
    const named = await loadSuiteRecipes([wrong]);
    assert.deepEqual((named.ok ? [] : named.problems).map(formatProblem), [
      `suites/s.yaml:1:1: error UNKNOWN_RECIPE: suite wrong names recipe '13', which is not a pack; "netpol-assert recipes list" names them`,
    ]);
  });

  test('suites that name no recipe need no pack', async () => {
    assert.deepEqual(await loadSuiteRecipes([plain]), { ok: true, packs: [] });
  });
});
