/** Near misses: selectors whose every match fails the original by exactly one requirement. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complement, nearMisses } from '../../src/generate/index.js';
import { formatSelector, labelsSatisfying, matchesSelector, parseSelector } from '../../src/policy/index.js';
import type { LabelSelector } from '../../src/policy/index.js';

function selector(text: string): LabelSelector {
  const parsed = parseSelector(text);
  assert.ok(parsed.ok, text);
  return parsed.selector;
}

const TABLE: readonly [string, readonly string[]][] = [
  ['app=shop', ['app!=shop']],
  ['app=shop,role=api', ['app!=shop,role=api', 'app=shop,role!=api']],
  ['tier in (a,b)', ['tier notin (a,b)']],
  ['tier notin (a,b)', ['tier in (a,b)']],
  ['canary', ['!canary']],
  ['!canary', ['canary']],
  ['', []],
];

for (const [original, misses] of TABLE) {
  test(`the near misses of "${original}" are ${misses.length === 0 ? 'none' : misses.join(' and ')}`, () => {
    const found = nearMisses(selector(original));
    assert.deepEqual(
      found.map((miss) => formatSelector(miss)).map((text) => formatSelector(selector(text))),
      misses.map((text) => formatSelector(selector(text))),
    );
  });
}

test('the labels a probe pod would carry for a near miss fail the original, and pass every other requirement', () => {
  const original = selector('app=shop,role in (api,web),!canary,zone');
  const misses = nearMisses(original);
  assert.equal(misses.length, 4);
  for (const miss of misses) {
    const labels = labelsSatisfying(miss);
    assert.ok(labels, formatSelector(miss));
    assert.equal(
      matchesSelector(original, labels),
      false,
      `${formatSelector(miss)} -> ${JSON.stringify(labels)}`,
    );
  }
});

test('a near miss no labels can satisfy is left out', () => {
  // Inverting `a in (x,y)` next to `a=x` asks for a = x and a not in (x,y): impossible.
  assert.deepEqual(nearMisses(selector('a=x,a in (x,y)')).map(formatSelector), ['a in (x,y),a!=x']);
});

test('the complement of each operator is its opposite', () => {
  assert.deepEqual(
    (['In', 'NotIn', 'Exists', 'DoesNotExist'] as const).map(
      (operator) => complement({ key: 'k', operator, values: [] }).operator,
    ),
    ['NotIn', 'In', 'DoesNotExist', 'Exists'],
  );
});
