import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatProblem } from '../../src/shared/index.js';
import { loadSuiteFiles } from '../../src/suite/index.js';

const suiteText = (name: string, extra = '') =>
  `apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: ${name}}\n${extra}assertions: [from a/b to c/d expect allow]\n`;
const MANIFEST = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n';

/** A folder with `files` (relative path → text), removed after the test. */
async function withFolder(
  files: Record<string, string>,
  run: (root: string) => Promise<void>,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'netpol-assert-suites-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    await run(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('a folder is read recursively in name order, depth first, .yaml and .yml alike', async () => {
  await withFolder(
    {
      'b.yaml': suiteText('b'),
      'a/z.yml': suiteText('a-z'),
      'a-b.yaml': suiteText('a-b'),
      'A.yaml': suiteText('upper-a'),
      'a/b/c.yaml': suiteText('a-b-c'),
      'notes.txt': 'not a suite',
      '.hidden/x.yaml': suiteText('hidden'),
    },
    async (root) => {
      const { suites, errors } = await loadSuiteFiles(['.'], { cwd: root });
      assert.deepEqual(errors, []);
      assert.deepEqual(
        suites.map((s) => [s.name, s.file]),
        [
          ['upper-a', 'A.yaml'],
          ['a-b-c', 'a/b/c.yaml'],
          ['a-z', 'a/z.yml'],
          ['a-b', 'a-b.yaml'],
          ['b', 'b.yaml'],
        ],
      );
    },
  );
});

test('manifests found in a folder are skipped, but a manifest named on the command line is an error', async () => {
  await withFolder(
    { 'suite.yaml': suiteText('s', 'setup: [manifests/ns.yaml]\n'), 'manifests/ns.yaml': MANIFEST },
    async (root) => {
      const fromFolder = await loadSuiteFiles([root]);
      assert.deepEqual(fromFolder.errors, []);
      assert.deepEqual(
        fromFolder.suites.map((s) => [s.name, s.setup]),
        [['s', [join(root, 'manifests/ns.yaml')]]],
      );
      const named = await loadSuiteFiles(['manifests/ns.yaml'], { cwd: root });
      assert.deepEqual(named.suites, []);
      assert.deepEqual(named.errors.map(formatProblem), [
        'manifests/ns.yaml:2:7: error BAD_VALUE: expected kind "Suite", found "Namespace"; manifests belong under "setup", not among suites\n' +
          '  2 | kind: Namespace\n' +
          '    |       ^',
      ]);
    },
  );
});

test('a file named twice, directly and through its folder, is loaded once', async () => {
  await withFolder({ 'one.yaml': suiteText('one') }, async (root) => {
    const { suites } = await loadSuiteFiles(['one.yaml', '.', './one.yaml'], { cwd: root });
    assert.deepEqual(
      suites.map((s) => s.name),
      ['one'],
    );
  });
});

test('a missing path, an empty folder and a missing setup manifest are all reported together', async () => {
  await withFolder(
    { 'empty/readme.txt': '', 'suite.yaml': suiteText('s', 'setup:\n  - gone.yaml\n') },
    async (root) => {
      const { suites, errors } = await loadSuiteFiles(['nope.yaml', 'empty', 'suite.yaml'], { cwd: root });
      assert.deepEqual(suites, []);
      assert.deepEqual(errors.map(formatProblem), [
        'nope.yaml: error FILE_NOT_FOUND: no such file or folder',
        'empty: error FILE_NOT_FOUND: no *.yaml or *.yml files in this folder',
        'suite.yaml:5:5: error FILE_NOT_FOUND: setup manifest not found: gone.yaml\n' +
          '  5 |   - gone.yaml\n' +
          '    |     ^',
      ]);
    },
  );
});

test('an error in one file keeps the suites of every file back', async () => {
  await withFolder({ 'a.yaml': suiteText('a'), 'b.yaml': suiteText('B') }, async (root) => {
    const { suites, errors } = await loadSuiteFiles(['.'], { cwd: root });
    assert.deepEqual(suites, []);
    assert.deepEqual(
      errors.map((e) => [e.location.file, e.code]),
      [['b.yaml', 'BAD_VALUE']],
    );
  });
});

test('a symlink loop in a folder does not hang the walk', async () => {
  await withFolder({ 'a/s.yaml': suiteText('s') }, async (root) => {
    await symlink(root, join(root, 'a', 'loop'));
    const { suites, errors } = await loadSuiteFiles([root]);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      suites.map((s) => s.name),
      ['s'],
    );
  });
});
