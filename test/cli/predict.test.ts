import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'tap-parser';
import type { JsonReport } from '../../src/report/index.js';
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
  assert.equal(results[1].count, 4, 'one subtest per suite file');
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

test("a suite's recipes key merges the packs' assertions, judged against their own setup and policies", async () => {
  const run = await runCli([
    'predict',
    'test/fixtures/cli/with-recipes.yaml',
    ...STATE,
    '--reporter',
    'json',
  ]);
  assert.equal(run.stderr, '');
  assert.equal(run.exitCode, 0, run.stdout);
  const report = JSON.parse(run.stdout) as JsonReport;
  const assertions = report.suites[0]?.assertions ?? [];
  assert.deepEqual(
    assertions.map((a) => [a.origin.kind === 'recipe' ? a.origin.recipe : a.origin.kind, a.outcome]),
    [
      ['suite', 'pass'],
      ...Array.from({ length: 4 }, () => ['07-allow-traffic-from-some-pods-in-another-namespace', 'pass']),
      ['08-allow-external-traffic', 'pass'],
      ['08-allow-external-traffic', 'pass'],
    ],
  );
  // Offline, an outside address as a source is judged, not skipped as a live run must.
  const outside = assertions.find((a) => a.name === 'an external client still reaches web');
  assert.equal(outside?.from, '203.0.113.8');
  assert.deepEqual(outside?.pairs[0]?.observations, ['allowed']);
  // The packs stand in namespaces of their own, read with the --state manifests.
  assert.match(outside?.pairs[0]?.destination.display ?? '', /^rcp-08-default\//);
});

test('a recipe the suite names that is no pack is bad input, reported with the suite problems', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'npa-cli-'));
  try {
    const suite = join(dir, 'unknown-recipe.yaml');
    await writeFile(
      suite,
      'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: r}\nrecipes: ["99"]\n',
    );
    const run = await runCli(['predict', suite, '--state', 'test/fixtures/cli/not-a-manifest.yaml']);
    assert.equal(run.exitCode, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /names recipe '99', which is not a pack/);
    assert.match(run.stderr, /not-a-manifest\.yaml/, 'the manifests were read and reported too');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
