import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { REPO_ROOT } from './run-cli.js';

test('the installed binary runs the README quick start and exits with the run verdict', async () => {
  const result = await execa(
    'node',
    ['bin/netpol-assert.js', 'predict', 'suites/', '--state', 'suites/manifests'],
    { cwd: REPO_ROOT, reject: false },
  );
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stdout, /^TAP version 14$/m);
  assert.match(result.stdout, /^# 24 passed of 24 assertions/m);
});

test('the binary exits 2 on an unknown command, naming it as a suite path that does not exist', async () => {
  // The default command is `run PATH...`, so an unknown word is read as a suite path:
  // refused as bad input before anything connects to a cluster.
  const result = await execa('node', ['bin/netpol-assert.js', 'frobnicate'], {
    cwd: REPO_ROOT,
    reject: false,
  });
  assert.equal(result.exitCode, 2, result.stderr);
  assert.equal(
    result.stderr,
    'frobnicate: error FILE_NOT_FOUND: no such file or folder\n' +
      'netpol-assert: 1 problem in the suites; nothing was run',
  );
  assert.equal(result.stdout, '');
});

test('a lab name the lab would refuse is a usage error (exit 2) for every command that takes --lab', async () => {
  for (const argv of [
    ['suites/', '--lab', 'Bad_Name'],
    ['clean', '--lab', 'Bad_Name'],
  ]) {
    const run = await execa('node', [`${REPO_ROOT}bin/netpol-assert.js`, ...argv], {
      cwd: REPO_ROOT,
      reject: false,
    });
    assert.equal(run.exitCode, 2, `${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /--lab: lab name 'Bad_Name' must be 1-12 lowercase letters or digits/);
    assert.equal(run.stdout, '');
  }
});
