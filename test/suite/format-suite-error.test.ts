import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem } from '../../src/shared/index.js';
import { parseSuiteText } from '../../src/suite/index.js';

test('an error prints as file:line:col, code and message, then the line with a caret under the column', () => {
  const text =
    'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: s}\nassertions:\n  - from a/b to c/d:70000 expect allow\n';
  const [error] = parseSuiteText(text, 'suites/a.yaml').errors;
  assert.ok(error);
  assert.equal(
    formatProblem(error),
    'suites/a.yaml:5:21: error BAD_PORT: port 70000 is out of range; expected 1..65535\n' +
      '  5 |   - from a/b to c/d:70000 expect allow\n' +
      '    |                     ^',
  );
});

test('tabs before the column are kept in the caret line so the caret lines up', () => {
  const text =
    'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: s}\nassertions: [\tfrom a/b to c/d expect ok]\n';
  const [error] = parseSuiteText(text, 'a.yaml').errors;
  assert.equal(error?.location.col, 38);
  assert.equal(
    error?.excerpt,
    '  4 | assertions: [\tfrom a/b to c/d expect ok]\n' + `    | ${' '.repeat(13)}\t${' '.repeat(23)}^`,
  );
});

test('a whole-file error prints without line, column or excerpt', () => {
  assert.equal(
    formatProblem({
      code: 'FILE_NOT_FOUND',
      message: 'no such file or folder',
      location: { file: 'suites/x.yaml', line: 0, col: 0 },
    }),
    'suites/x.yaml: error FILE_NOT_FOUND: no such file or folder',
  );
});
