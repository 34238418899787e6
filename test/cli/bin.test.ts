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

test('the binary exits 2 on an unknown command', async () => {
  const result = await execa('node', ['bin/netpol-assert.js', 'frobnicate'], {
    cwd: REPO_ROOT,
    reject: false,
  });
  assert.equal(result.exitCode, 2);
  assert.match(result.stderr, /Unknown argument|unknown command|frobnicate/i);
});
