import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'tap-parser';
import { runCli } from './run-cli.js';

const STATE = ['--state', 'suites/manifests'];

test('the example suites pass against the model of their own manifests (the README quick start)', async () => {
  const run = await runCli(['predict', 'suites/', ...STATE]);
  assert.equal(run.stderr, '');
  assert.equal(run.exitCode, 0);
  const summary = Parser.parse(run.stdout);
  const results = summary.find((line: unknown) => Array.isArray(line) && line[0] === 'complete');
  assert.ok(results, 'tap-parser saw a complete plan');
  assert.equal(results[1].ok, true);
  assert.equal(results[1].count, 3, 'one subtest per suite file');
});

test('an assertion the policies contradict fails with exit 1 and names the deciding policy', async () => {
  const run = await runCli([
    'predict',
    'test/fixtures/cli/wrong-expectations.yaml',
    ...STATE,
    '--reporter',
    'pretty',
  ]);
  assert.equal(run.exitCode, 1);
  assert.match(run.stdout, /✗ from shop\/app=cart to default\/app=web:80 expect allow/);
  assert.match(run.stdout, /egress of the source: denied: isolated by shop\/egress-lockdown/);
  assert.match(run.stdout, /✓ from default\/app=bookstore to default\/app=web:80 expect allow/);
});

test('a suite with problems exits 2, reports every problem with file:line:column, and runs nothing', async () => {
  const run = await runCli(['predict', 'test/fixtures/cli/two-problems.yaml', ...STATE]);
  assert.equal(run.exitCode, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /test\/fixtures\/cli\/two-problems\.yaml:5:\d+: error BAD_PORT/);
  assert.match(run.stderr, /test\/fixtures\/cli\/two-problems\.yaml:6:\d+: error BAD_GRAMMAR/);
  assert.match(run.stderr, /2 problems in the suites; nothing was run/);
});

test('manifests that do not parse exit 2 with their position', async () => {
  const run = await runCli([
    'predict',
    'suites/bookstore.yaml',
    '--state',
    'test/fixtures/cli/not-a-manifest.yaml',
  ]);
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /not-a-manifest\.yaml/);
});

test('--junit and --json write their reports alongside the stdout reporter', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'npa-cli-'));
  try {
    const junit = join(dir, 'out', 'junit.xml');
    const json = join(dir, 'report.json');
    const run = await runCli([
      'predict',
      'suites/bookstore.yaml',
      ...STATE,
      '--junit',
      junit,
      '--json',
      json,
    ]);
    assert.equal(run.exitCode, 0);
    assert.match(await readFile(junit, 'utf8'), /<testsuite [^>]*name="bookstore"/);
    const report = JSON.parse(await readFile(json, 'utf8')) as { suites: { assertions: unknown[] }[] };
    assert.equal(report.suites[0]?.assertions.length, 9);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unknown reporter is bad input (exit 2)', async () => {
  const run = await runCli(['predict', 'suites/', ...STATE, '--reporter', 'html']);
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /Invalid values|choices/i);
});
