import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelSelector } from '../../src/policy/index.js';
import { matchesSelector, selectorFromManifest, selectorManifestProblems } from '../../src/policy/index.js';

const select = (s: Partial<LabelSelector>): LabelSelector => ({
  matchLabels: {},
  matchExpressions: [],
  ...s,
});

test('spec: an empty label selector matches every object, even one without labels', () => {
  assert.equal(matchesSelector(select({}), {}), true);
  assert.equal(matchesSelector(select({}), { app: 'web' }), true);
});

test('spec: every matchLabels pair must be present with the same value', () => {
  const s = select({ matchLabels: { app: 'web', tier: 'front' } });
  assert.equal(matchesSelector(s, { app: 'web', tier: 'front', extra: 'x' }), true);
  assert.equal(matchesSelector(s, { app: 'web' }), false);
  assert.equal(matchesSelector(s, { app: 'web', tier: 'back' }), false);
});

test('spec: In matches when the label value is one of the values, never when the key is missing', () => {
  const s = select({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] });
  assert.equal(matchesSelector(s, { env: 'staging' }), true);
  assert.equal(matchesSelector(s, { env: 'dev' }), false);
  assert.equal(matchesSelector(s, {}), false);
});

test('spec: NotIn matches objects without the key, as Kubernetes does', () => {
  const s = select({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] });
  assert.equal(matchesSelector(s, {}), true);
  assert.equal(matchesSelector(s, { other: 'prod' }), true);
  assert.equal(matchesSelector(s, { env: 'dev' }), true);
  assert.equal(matchesSelector(s, { env: 'prod' }), false);
});

test('spec: Exists needs the key with any value, the empty value included', () => {
  const s = select({ matchExpressions: [{ key: 'canary', operator: 'Exists', values: [] }] });
  assert.equal(matchesSelector(s, { canary: '' }), true);
  assert.equal(matchesSelector(s, { canary: 'yes' }), true);
  assert.equal(matchesSelector(s, {}), false);
});

test('spec: DoesNotExist needs the key to be absent', () => {
  const s = select({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist', values: [] }] });
  assert.equal(matchesSelector(s, {}), true);
  assert.equal(matchesSelector(s, { canary: '' }), false);
});

test('spec: matchLabels and matchExpressions are ANDed', () => {
  const s = select({
    matchLabels: { app: 'web' },
    matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }],
  });
  assert.equal(matchesSelector(s, { app: 'web', env: 'prod' }), true);
  assert.equal(matchesSelector(s, { app: 'web', env: 'dev' }), false);
  assert.equal(matchesSelector(s, { app: 'db', env: 'prod' }), false);
});

test('a label key that names an Object.prototype member is matched as a plain key', () => {
  const exists = select({ matchExpressions: [{ key: 'constructor', operator: 'Exists', values: [] }] });
  assert.equal(matchesSelector(exists, {}), false);
  const notIn = select({ matchExpressions: [{ key: 'toString', operator: 'DoesNotExist', values: [] }] });
  assert.equal(matchesSelector(notIn, {}), true);
});

test('a null or absent manifest selector becomes the empty selector; the caller decides what it means', () => {
  assert.deepEqual(selectorFromManifest(null), { matchLabels: {}, matchExpressions: [] });
  assert.deepEqual(selectorFromManifest(undefined), { matchLabels: {}, matchExpressions: [] });
  assert.deepEqual(
    selectorFromManifest({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] }),
    {
      matchLabels: { a: 'b' },
      matchExpressions: [{ key: 'c', operator: 'Exists', values: [] }],
    },
  );
});

test('a manifest selector with an unknown operator matches nothing rather than everything', () => {
  const s = selectorFromManifest({
    matchExpressions: [{ key: 'env', operator: 'Equals', values: ['prod'] }],
  });
  assert.equal(matchesSelector(s, { env: 'prod' }), false);
  assert.equal(matchesSelector(s, {}), false);
});

test('spec: In and NotIn need values, Exists and DoesNotExist take none, and the operator is one of four', () => {
  const problems = selectorManifestProblems({
    matchLabels: { 'bad key!': 'v', ok: '-bad-value' },
    matchExpressions: [
      { key: 'a', operator: 'In', values: [] },
      { key: 'b', operator: 'Exists', values: ['x'] },
      { key: 'c', operator: 'Equals', values: ['x'] },
      { key: 'd', operator: 'NotIn', values: ['fine'] },
    ],
  });
  assert.deepEqual(
    problems.map((p) => p.path),
    [
      ['matchLabels', 'bad key!'],
      ['matchLabels', 'ok'],
      ['matchExpressions', 0, 'values'],
      ['matchExpressions', 1, 'values'],
      ['matchExpressions', 2, 'operator'],
    ],
  );
  assert.match(problems[4]?.message ?? '', /"Equals" is not a valid operator/);
});
