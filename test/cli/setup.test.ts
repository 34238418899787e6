/**
 * A suite's `setup:` offline and before any cluster: `predict` judges against the state
 * with the setup objects applied over it (as `run` applies them), and a setup manifest
 * with a problem is bad input (exit 2) for `predict` and `run` alike, reported at its
 * line before a cluster is reached. test/e2e/setup.test.ts runs the same suite live.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonReport } from '../../src/report/index.js';
import { runCli } from './run-cli.js';

const SUITE = 'test/e2e/fixtures/setup/setup.yaml';
const FIXTURES = 'test/fixtures/cli/setup';

function outcomes(stdout: string): string[] {
  const report = JSON.parse(stdout) as JsonReport;
  return report.suites.flatMap((suite) => suite.assertions.map((a) => `${a.outcome} ${a.name}`));
}

test("predict adds the suite's setup objects to --state: its policy, pods and outside host decide", async () => {
  const run = await runCli([
    'predict',
    SUITE,
    '--state',
    'test/e2e/fixtures/setup/manifests/already-there.yaml',
    '--reporter',
    'json',
  ]);
  assert.equal(run.stderr, '');
  assert.equal(run.exitCode, 0, run.stdout);
  assert.deepEqual(outcomes(run.stdout), [
    'pass from setup-demo/app=client to setup-demo/app=server:8080 expect allow',
    'pass from setup-demo/app=stranger to setup-demo/app=server:8080 expect deny',
    'pass from setup-demo/app=client to 192.0.2.50:443 expect allow',
    'pass from already-there/app=resident to setup-demo/app=server:8080 expect deny',
  ]);
  const report = JSON.parse(run.stdout) as JsonReport;
  const first = report.suites[0]?.assertions[0];
  assert.ok(first);
  // The client and server are the setup's Deployments (their pods), not synthetic pods of the selector.
  for (const pair of first.pairs) {
    assert.match(pair.source.display, /^setup-demo\/client-/);
    assert.match(pair.destination.display, /^setup-demo\/server-/);
  }
});

test('a setup object replaces the --state object of the same kind, namespace and name', async () => {
  const withSetup = await runCli([
    'predict',
    SUITE,
    '--state',
    `${FIXTURES}/policy-deny-all.yaml`,
    '--reporter',
    'json',
  ]);
  assert.equal(withSetup.exitCode, 0, withSetup.stdout + withSetup.stderr);
  // The --state version alone refuses the client: the setup's version is the one judged above.
  const explained = await runCli([
    'explain',
    'from setup-demo/app=client to setup-demo/app=server:8080',
    '--state',
    `${FIXTURES}/policy-deny-all.yaml`,
  ]);
  assert.match(explained.stdout, /denied: isolated by setup-demo\/server-allow-client/);
});

test('--state that already reads the setup files is not read twice (no DUPLICATE)', async () => {
  const run = await runCli([
    'predict',
    SUITE,
    '--state',
    'test/e2e/fixtures/setup/manifests',
    '--reporter',
    'json',
  ]);
  assert.equal(run.stderr, '');
  assert.equal(run.exitCode, 0, run.stdout);
  assert.equal(outcomes(run.stdout).length, 4);
});

test('a setup manifest with a problem is bad input at its line, for predict and for run before any cluster', async () => {
  const predict = await runCli([
    'predict',
    `${FIXTURES}/bad-setup.yaml`,
    '--state',
    `${FIXTURES}/policy-deny-all.yaml`,
  ]);
  assert.equal(predict.exitCode, 2);
  assert.equal(predict.stdout, '');
  assert.match(predict.stderr, /test\/fixtures\/cli\/setup\/broken\.yaml:3:11: error YAML_SYNTAX/);
  assert.match(predict.stderr, /1 problem in the suites' setup manifests; nothing was run/);

  // A kubeconfig that does not exist would be exit 3: the setup is read, and refused, first.
  const run = await runCli(['run', `${FIXTURES}/bad-setup.yaml`, '--kubeconfig', '/nonexistent/kubeconfig']);
  assert.equal(run.exitCode, 2, run.stderr);
  assert.match(run.stderr, /broken\.yaml:3:11: error YAML_SYNTAX/);
  assert.doesNotMatch(run.stderr, /kubeconfig/);
});
