/**
 * The cluster-policy examples (examples/cluster-policies/) hold offline: every assertion
 * passes under the model, all examples together and each alone, the cases generated from
 * them pass too (the three cross-tier kinds among them), and the assertions that are
 * about the tiers fail once the cluster policies are taken away.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifests, stateFromManifests } from '../../src/manifests/index.js';
import type { ClusterState } from '../../src/policy/index.js';
import { planProbes } from '../../src/plan/index.js';
import { predict } from '../../src/run/index.js';
import { loadSuiteFiles } from '../../src/suite/index.js';
import type { JsonReport } from '../../src/report/index.js';
import { REPO_ROOT, runCli } from './run-cli.js';

const PACK = 'examples/cluster-policies';

async function examples(): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, PACK), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && /^\d{2}-/.test(e.name))
    .map((e) => e.name)
    .sort();
}

async function jsonPredict(
  args: readonly string[],
): Promise<{ exitCode: number; report: JsonReport; stderr: string }> {
  const run = await runCli(['predict', ...args, '--reporter', 'json']);
  return { exitCode: run.exitCode, report: JSON.parse(run.stdout) as JsonReport, stderr: run.stderr };
}

test('every example passes under the model, all of them in one cluster, with no warning', async () => {
  const { exitCode, report, stderr } = await jsonPredict([`${PACK}/`, '--state', `${PACK}/`]);
  assert.equal(stderr, '');
  assert.equal(exitCode, 0);
  assert.equal(report.suites.length, (await examples()).length);
  assert.equal(report.suites.length, 6);
  const assertions = report.suites.flatMap((s) => s.assertions);
  assert.equal(assertions.length, 20);
  assert.deepEqual(
    assertions.filter((a) => a.outcome !== 'pass').map((a) => a.name),
    [],
  );
});

test('each example passes alone, against its own manifests only', async () => {
  for (const example of await examples()) {
    const run = await runCli(['predict', `${PACK}/${example}/suite.yaml`, '--state', `${PACK}/${example}/`]);
    assert.equal(run.exitCode, 0, `${example}: ${run.stdout}${run.stderr}`);
  }
});

test('the cases generated from the examples pass, and show each way the tiers meet', async () => {
  const predicted = await runCli(['predict', `${PACK}/`, '--state', `${PACK}/`, '--generate', '--strict']);
  assert.equal(predicted.exitCode, 0, predicted.stderr);
  const generated = await runCli(['generate', '--state', `${PACK}/`]);
  assert.equal(generated.exitCode, 0, generated.stderr);
  for (const story of [
    'cross-tier: Admin Deny overrides NetworkPolicy cp01-payments/db-clients',
    'cross-tier: Admin Accept overrides NetworkPolicy cp04-apps/deny-all-ingress',
    'cross-tier: Pass lets NetworkPolicy cp02-team-a/web-clients decide',
    'cross-tier: NetworkPolicy cp03-shop/web-from-guests overrides Baseline Deny',
    'cross-tier: NetworkPolicy cp06-dev/web-from-dev overrides Baseline Deny',
  ])
    assert.ok(generated.stdout.includes(story), `a generated case "${story}"`);
});

test('without the cluster policies, the assertions about the tiers fail', async () => {
  const state = await packState();
  const parsed = await loadSuiteFiles([`${PACK}/`], { cwd: REPO_ROOT });
  assert.deepEqual(parsed.errors, []);
  const withoutTiers: ClusterState = { ...state, clusterPolicies: [] };
  const result = predict(planProbes(parsed.suites, withoutTiers), withoutTiers, { target: 'test' });
  const failing = result.suites.flatMap((s) => s.assertions.filter((a) => a.outcome !== 'pass'));
  assert.deepEqual(
    failing.map((a) => a.assertion.name),
    [
      'the Admin Deny wins over the NetworkPolicy that admits the frontend',
      'team C is denied by the Admin tier',
      'the Baseline Deny closes the cart, which no NetworkPolicy isolates',
      "Prometheus scrapes through a namespace's deny-all",
      'a sandbox job reaches no other shared service',
      'a sandbox job does not reach its own namespace either',
      'development never reaches production (AdminNetworkPolicy Deny)',
      'the BaselineAdminNetworkPolicy denies what no other tier decided',
    ],
  );
});

async function packState(): Promise<ClusterState> {
  const read = await readManifests([join(REPO_ROOT, PACK)]);
  assert.deepEqual(read.errors, []);
  const built = stateFromManifests(read.objects);
  assert.deepEqual(built.errors, []);
  assert.equal(built.state.clusterPolicies?.length, 7);
  return built.state;
}
