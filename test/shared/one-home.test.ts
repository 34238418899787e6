/**
 * Facts with one home (src/shared), guarded: the namespace-name label, the exhaustive
 * switch's default and the reporter names are each written down once. A second copy
 * once let two layers disagree; this test fails when one comes back. The lab's enforcer
 * is the exception on purpose: it stays independent of the model so that each checks the
 * other, and keeps its own label constant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Every TypeScript file under src/, with its text, by path from the repository root. */
async function sources(): Promise<Map<string, string>> {
  const entries = await readdir(join(ROOT, 'src'), { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8')));
  return new Map(files.map((file, i) => [relative(ROOT, file), texts[i] ?? '']));
}

function filesMatching(all: ReadonlyMap<string, string>, pattern: RegExp): string[] {
  return [...all]
    .filter(([, text]) => pattern.test(text))
    .map(([file]) => file)
    .sort();
}

const all = await sources();

test('the namespace-name label is a string literal in src/shared and in the enforcer only', () => {
  const holders = filesMatching(all, /['"]kubernetes\.io\/metadata\.name['"]/);
  assert.deepEqual(
    holders.filter((file) => !file.startsWith('src/lab/enforcer/')),
    ['src/shared/namespace-label.ts'],
  );
});

test('an exhaustive switch ends in the one assertNever', () => {
  // A function that takes `never`, or a variable typed `never`, is a copy of it.
  const copies = filesMatching(all, /\(\s*\w+\s*:\s*never\s*\)\s*:\s*never|const \w+\s*:\s*never\s*=/);
  assert.deepEqual(copies, ['src/shared/never.ts']);
});

test('the reporter names are listed once', () => {
  assert.deepEqual(filesMatching(all, /REPORTER_NAMES\s*=/), ['src/report/reporter.ts']);
});

test('problems print through the one formatter: no second `error CODE:` format', () => {
  const printers = filesMatching(all, /: error \$\{/);
  assert.deepEqual(printers, ['src/shared/problem.ts']);
});
