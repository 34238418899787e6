import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatProblem } from '../../src/shared/index.js';
import { loadSuiteFiles } from '../../src/suite/index.js';

/**
 * Bad suites named by their problem, each next to a `.expected` file holding the exact
 * output: `file:line:col: error CODE: message` and the excerpt, for every problem found.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FOLDER = 'test/fixtures/suites/invalid';
const fixtures = readdirSync(new URL(`../../${FOLDER}/`, import.meta.url))
  .filter((name) => name.endsWith('.yaml'))
  .sort();

test('the invalid corpus covers at least twenty problems', () => {
  assert.ok(fixtures.length >= 20, `only ${fixtures.length} fixtures`);
});

for (const name of fixtures) {
  test(`${name.replace(/\.yaml$/, '').replace(/-/g, ' ')}: reported exactly as expected`, async () => {
    const path = `${FOLDER}/${name}`;
    const expected = readFileSync(
      new URL(`../../${path.replace(/\.yaml$/, '.expected')}`, import.meta.url),
      'utf8',
    );
    const { suites, errors } = await loadSuiteFiles([path], { cwd: REPO });
    assert.deepEqual(suites, []);
    assert.equal(`${errors.map(formatProblem).join('\n')}\n`, expected);
  });
}

test('a suite with several problems reports every one, in file order', async () => {
  const { errors } = await loadSuiteFiles([`${FOLDER}/several-problems.yaml`], { cwd: REPO });
  assert.deepEqual(
    errors.map((e) => e.code),
    [
      'BAD_VALUE',
      'BAD_DURATION',
      'BAD_VALUE',
      'BAD_PROTOCOL',
      'BAD_VALUE',
      'BAD_PORT',
      'BAD_GRAMMAR',
      'BAD_PROTOCOL',
      'BAD_TYPE',
      'BAD_ENDPOINT',
      'UNKNOWN_KEY',
      'BAD_VALUE',
    ],
  );
  const lines = errors.map((e) => e.location.line);
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
  );
});
