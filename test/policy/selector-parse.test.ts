import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabelSelector } from '../../src/policy/index.js';
import { formatSelector, parseSelector } from '../../src/policy/index.js';

const parsed = (text: string): LabelSelector => {
  const result = parseSelector(text);
  if (!result.ok) assert.fail(`"${text}" did not parse: ${result.message} at ${result.offset}`);
  return result.selector;
};

const valid: readonly { title: string; text: string; selector: Partial<LabelSelector> }[] = [
  { title: 'the empty text is the empty selector', text: '', selector: {} },
  { title: 'only whitespace is the empty selector', text: '   ', selector: {} },
  {
    title: '`a=b` is an equality in matchLabels',
    text: 'app=web',
    selector: { matchLabels: { app: 'web' } },
  },
  { title: '`a==b` is the same equality', text: 'app==web', selector: { matchLabels: { app: 'web' } } },
  {
    title: '`a!=b` is NotIn [b]',
    text: 'app!=web',
    selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] },
  },
  {
    title: '`a in (x,y)` is In',
    text: 'env in (prod,staging)',
    selector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] },
  },
  {
    title: '`a notin (x,y)` is NotIn',
    text: 'env notin (dev, test)',
    selector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev', 'test'] }] },
  },
  {
    title: 'a bare key is Exists',
    text: 'canary',
    selector: { matchExpressions: [{ key: 'canary', operator: 'Exists', values: [] }] },
  },
  {
    title: '`!a` is DoesNotExist',
    text: '!canary',
    selector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist', values: [] }] },
  },
  {
    title: 'commas AND requirements, whitespace around tokens is tolerated',
    text: ' app = web , tier in ( front ) ,  !legacy ',
    selector: {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front'] },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    },
  },
  {
    title: 'keys may carry a DNS prefix with a slash',
    text: 'app.kubernetes.io/name=x,kubernetes.io/metadata.name=default',
    selector: { matchLabels: { 'app.kubernetes.io/name': 'x', 'kubernetes.io/metadata.name': 'default' } },
  },
  { title: 'a value may be empty', text: 'app=', selector: { matchLabels: { app: '' } } },
  {
    title: 'a second equality on the same key still ANDs',
    text: 'a=x,a=y',
    selector: { matchLabels: { a: 'x' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['y'] }] },
  },
];

for (const row of valid) {
  test(`selector syntax: ${row.title}`, () => {
    assert.deepEqual(parsed(row.text), { matchLabels: {}, matchExpressions: [], ...row.selector });
  });
}

const invalid: readonly { title: string; text: string; offset: number; message: RegExp }[] = [
  {
    title: 'a key followed by something other than an operator',
    text: 'app web',
    offset: 4,
    message: /^expected "=", "==", "!=", "in" or "notin" after key "app", found "web"$/,
  },
  { title: 'a leading comma', text: ',app', offset: 0, message: /^expected a label key, found ","/ },
  { title: 'a trailing comma', text: 'app=web,', offset: 8, message: /^expected a requirement after ","/ },
  {
    title: '"!" without a key',
    text: '!',
    offset: 1,
    message: /^expected a label key after "!", found the end/,
  },
  {
    title: '"!" with an operator after the key',
    text: '!a=b',
    offset: 2,
    message: /^expected "," or the end of the selector, found "="/,
  },
  {
    title: 'a value followed by another word',
    text: 'a=b c',
    offset: 4,
    message: /^expected "," or the end of the selector, found "c"/,
  },
  {
    title: '"in" without parentheses',
    text: 'env in prod',
    offset: 7,
    message: /^expected "\(" after "in", found "prod"/,
  },
  {
    title: 'an unclosed value list',
    text: 'env in (a,b',
    offset: 11,
    message: /^expected "," or "\)" in the value list of "in", found the end/,
  },
  {
    title: 'a keyword where a key should be',
    text: 'in=x',
    offset: 0,
    message: /^expected a label key, found keyword "in"/,
  },
  {
    title: 'a key whose name part is too long',
    text: `${'k'.repeat(64)}=v`,
    offset: 0,
    message: /at most 63 characters/,
  },
  {
    title: 'a key whose name does not start with a letter or digit',
    text: '-app=web',
    offset: 0,
    message: /must start and end with a letter or digit/,
  },
  { title: 'an uppercase DNS prefix', text: 'Example.com/app=web', offset: 0, message: /DNS subdomain/ },
  {
    title: 'a prefix longer than 253 characters',
    text: `${'a'.repeat(254)}/app=web`,
    offset: 0,
    message: /at most 253/,
  },
  { title: 'an empty prefix', text: '/app=web', offset: 0, message: /prefix before "\/" must not be empty/ },
  {
    title: 'a value that is too long',
    text: `app=${'v'.repeat(64)}`,
    offset: 4,
    message: /invalid label value .* at most 63/,
  },
  {
    title: 'a value with characters labels do not allow',
    text: 'app=we@b',
    offset: 4,
    message: /invalid label value "we@b"/,
  },
  {
    title: 'an operator Kubernetes has but the grammar does not offer',
    text: 'replicas>3',
    offset: 8,
    message: /after key "replicas", found ">"/,
  },
];

for (const row of invalid) {
  test(`selector syntax error: ${row.title} is reported at its offset`, () => {
    const result = parseSelector(row.text);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.message, row.message);
    assert.equal(result.offset, row.offset);
  });
}

test('formatSelector prints kubectl text that parses back to the same selector', () => {
  for (const text of ['app=web,tier in (a,b)', 'env!=prod,!legacy,canary', 'a notin (x,y)', '']) {
    const selector = parsed(text);
    assert.deepEqual(parsed(formatSelector(selector)), selector, text);
  }
});

test('formatSelector prints the empty selector as an empty string and sorts matchLabels', () => {
  assert.equal(formatSelector({ matchLabels: {}, matchExpressions: [] }), '');
  assert.equal(formatSelector({ matchLabels: { b: '2', a: '1' }, matchExpressions: [] }), 'a=1,b=2');
});
