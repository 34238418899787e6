import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelSelector } from '../../src/policy/index.js';
import { labelsSatisfying, matchesSelector, parseSelector } from '../../src/policy/index.js';

const selector = (text: string): LabelSelector => {
  const result = parseSelector(text);
  if (!result.ok) throw new Error(result.message);
  return result.selector;
};

const rows: readonly { text: string; labels: Record<string, string> | undefined; title: string }[] = [
  { title: 'the empty selector needs no labels', text: '', labels: {} },
  { title: 'equalities are copied', text: 'app=web,tier=front', labels: { app: 'web', tier: 'front' } },
  { title: 'In takes its first value', text: 'env in (prod,staging)', labels: { env: 'prod' } },
  { title: 'Exists takes the value "probe"', text: 'canary', labels: { canary: 'probe' } },
  { title: 'NotIn and DoesNotExist leave the key out', text: 'env!=prod,!legacy', labels: {} },
  {
    title: 'In skips values NotIn excludes',
    text: 'env in (prod,dev),env notin (prod)',
    labels: { env: 'dev' },
  },
  {
    title: 'Exists avoids a value NotIn excludes',
    text: 'canary,canary!=probe',
    labels: { canary: 'probe-1' },
  },
  {
    title: 'two In lists meet in their common value',
    text: 'env in (a,b,c),env in (c,b)',
    labels: { env: 'b' },
  },
  { title: 'an equality excluded by NotIn is unsatisfiable', text: 'a=x,a notin (x)', labels: undefined },
  { title: 'Exists with DoesNotExist is unsatisfiable', text: 'a,!a', labels: undefined },
  { title: 'two different equalities are unsatisfiable', text: 'a=x,a=y', labels: undefined },
];

for (const row of rows) {
  test(`labelsSatisfying: ${row.title}`, () => {
    const s = selector(row.text);
    const labels = labelsSatisfying(s);
    assert.deepEqual(labels, row.labels);
    if (labels !== undefined) assert.equal(matchesSelector(s, labels), true, 'the labels must be matched');
  });
}
