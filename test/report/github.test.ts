import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReporter, escapeData, escapeProperty, workflowCommand } from '../../src/report/index.js';
import { ADMITTED_TEXT, NOT_ISOLATED_TEXT, passingRun, sampleRun } from './fixtures.js';

const github = createReporter('github');

test('messages escape %, carriage returns and newlines, % first', () => {
  assert.equal(escapeData('100% done\r\nnext %0A'), '100%25 done%0D%0Anext %250A');
});

test('properties also escape the colons and commas that delimit them', () => {
  assert.equal(escapeProperty('fail: a,b\n50%'), 'fail%3A a%2Cb%0A50%25');
});

test('a workflow command joins escaped properties with commas before the message', () => {
  assert.equal(
    workflowCommand('error', { file: 'a,b.yaml', line: '3', title: 'x: y' }, 'one\ntwo'),
    '::error file=a%2Cb.yaml,line=3,title=x%3A y::one%0Atwo',
  );
  assert.equal(workflowCommand('notice', {}, 'hi'), '::notice::hi');
});

test('a failed assertion is an error on its line; flaky and inconclusive are warnings; pass and skip say nothing', () => {
  const lines = github.render(sampleRun()).trimEnd().split('\n');
  assert.deepEqual(
    lines.map((line) => /^::(\w+) ([^:]*)::/.exec(line)?.slice(1, 3)),
    [
      ['error', 'file=suites/shop.yaml,line=9,col=5,title=fail%3A db is closed to the shop'],
      [
        'warning',
        'file=suites/shop.yaml,line=10,col=5,title=flaky%3A from shop/* to shop/app=cache%3A6379 expect deny',
      ],
      [
        'warning',
        'file=suites/shop.yaml,line=11,col=5,title=inconclusive%3A from shop/* to shop/app=queue%3A5672 expect deny',
      ],
      ['notice', 'title=netpol-assert'],
    ],
  );
});

test('an error message lists the failing pairs and explanations on escaped new lines', () => {
  const [error] = github.render(sampleRun()).split('\n');
  const message = error?.slice(error.indexOf('::', 2) + 2);
  assert.equal(
    message,
    [
      'expected deny; 3 pairs: 2 failed, 1 held',
      'shop/web-1 (10.244.1.5) → shop/db-0 (10.244.2.9) 5432/TCP: connected (fail: connected, expected a deny)',
      ...ADMITTED_TEXT.map((line) => `  ${line}`),
      'shop/web-2 (10.244.1.6) → shop/db-0 (10.244.2.9) 5432/TCP: connected (fail)',
      ...NOT_ISOLATED_TEXT.map((line) => `  ${line}`),
    ].join('%0A'),
  );
  assert.doesNotMatch(message ?? '', /\n/);
});

test('the last line is a notice with the counts', () => {
  assert.equal(
    github.render(sampleRun()).trimEnd().split('\n').at(-1),
    '::notice title=netpol-assert::2 passed, 1 failed, 1 flaky, 1 inconclusive, 1 skipped of 6 assertions (run against kind-ci)',
  );
  assert.equal(
    github.render(passingRun()),
    '::notice title=netpol-assert::2 passed of 2 assertions (run against kind-ci)\n',
  );
});
