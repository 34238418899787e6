/**
 * Cluster policies (policy.networking.k8s.io) end to end: the lab's API server serves
 * the three CRDs, `lab up` applies a ClusterNetworkPolicy of each tier, an
 * AdminNetworkPolicy and the BaselineAdminNetworkPolicy, and the lab's enforcer enforces
 * the tiers. With `--cni full` every assertion of the suite passes on the wire: an Admin
 * Deny overrides a NetworkPolicy's allow, a Pass hands the traffic to the NetworkPolicies,
 * the Baseline tier denies only where no NetworkPolicy isolates. With `--cni
 * no-cluster-policies` (kindnet) and `--cni no-pass` exactly the assertions the model
 * derives for such a plugin fail. Needs root and the lab's control plane.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { JsonReport } from '../../src/report/index.js';
import {
  assertFailedExactly,
  assertionKey,
  assertionsOf,
  assertWireMatchesExpectations,
  e2eSkipReason,
  labDown,
  labUp,
  runCli,
  runJson,
} from './e2e-support.js';
import { dropClusterPolicies, loadSuites, passAsAccept, predictOutcomes } from './model-expectations.js';
import type { ObjectRewrite } from './model-expectations.js';

const skip = await e2eSkipReason();
const FIXTURES = 'test/e2e/fixtures/cluster-policies';
const SUITE = `${FIXTURES}/cluster-policies.yaml`;
const MANIFESTS = [`${FIXTURES}/manifests`];

interface LabRun {
  readonly exitCode: number;
  readonly report: JsonReport;
  readonly stderr: string;
}

/** Brings a lab up in `cni` mode with the fixtures, runs `inLab` and the suite, and always takes the lab down. */
async function runInLab(
  lab: string,
  cni: string,
  inLab: (kubeconfig: string) => Promise<void> = async () => undefined,
): Promise<LabRun> {
  const started = Date.now();
  const kubeconfig = await labUp(lab, { cni, manifests: MANIFESTS });
  try {
    const status = await runCli(['lab', 'status', '--name', lab]);
    assert.match(status.stdout, new RegExp(`cni ${cni},`), 'the lab enforces in the mode asked for');
    await inLab(kubeconfig);
    const { run, report } = await runJson([SUITE, '--lab', lab]);
    return { exitCode: run.exitCode, report, stderr: run.stderr };
  } finally {
    await labDown(lab);
    process.stderr.write(`# ${lab}: lab up, run and down in ${Date.now() - started} ms\n`);
  }
}

/** The assertions the model says fail when the plugin reads the cluster policies as `rewrite` does. */
async function modelFailures(rewrite: ObjectRewrite): Promise<string[]> {
  const suites = await loadSuites([SUITE]);
  const outcomes = await predictOutcomes(suites, MANIFESTS, undefined, rewrite);
  return outcomes
    .filter((result) => result.outcome !== 'pass')
    .map((result) => assertionKey(result.assertion))
    .sort();
}

/** The suite's assertions by name, as a reader finds them in the file. */
async function keysNamed(names: readonly string[]): Promise<string[]> {
  const [suite] = await loadSuites([SUITE]);
  assert.ok(suite);
  const keys = names.map((name) => suite.assertions.find((a) => a.name === name));
  assert.ok(
    keys.every((a) => a !== undefined),
    `every name is in the suite: ${names.join(', ')}`,
  );
  return keys.map((a) => assertionKey(a as NonNullable<(typeof keys)[number]>)).sort();
}

const ADMIN_DENY = 'admin deny overrides a NetworkPolicy allow';
const PASS_TO_DENY = 'pass hands over to the NetworkPolicy, which denies another port';
const PASS_TO_BASELINE = 'pass hands over, no NetworkPolicy isolates, baseline denies';
const PASS_TO_BASELINE_BESIDE = "pass hands over, baseline denies a pod of an isolated one's namespace";
const BASELINE_EGRESS = 'baseline egress deny where no NetworkPolicy isolates the source';

describe('cluster policies in a lab', { skip, timeout: 300_000 }, () => {
  test('the model of the fixtures agrees with every assertion', async () => {
    assert.deepEqual(await modelFailures((object) => object), []);
  });

  test('--cni full: the lab serves the CRDs, refuses what their schemas refuse, and enforces every tier', async () => {
    const run = await runInLab('e2ecnp', 'full', async (kubeconfig) => {
      const config = new KubeConfig();
      config.loadFromFile(kubeconfig);
      const custom = config.makeApiClient(CustomObjectsApi);
      const group = 'policy.networking.k8s.io';
      const stored = async (version: string, plural: string) =>
        (
          (await custom.listClusterCustomObject({ group, version, plural })) as {
            items: { metadata: { name: string } }[];
          }
        ).items
          .map((item) => item.metadata.name)
          .sort();
      assert.deepEqual(await stored('v1alpha2', 'clusternetworkpolicies'), [
        'deny-b-to-a',
        'deny-monitoring',
        'tenant-a-egress',
      ]);
      assert.deepEqual(await stored('v1alpha1', 'adminnetworkpolicies'), ['pass-monitoring']);
      assert.deepEqual(await stored('v1alpha1', 'baselineadminnetworkpolicies'), ['default']);
      // A subject must set exactly one of namespaces and pods; a BANP must be named default.
      const apply = await runCli(['lab', 'apply', '--name', 'e2ecnp', '-f', `${FIXTURES}/refused`]);
      assert.notEqual(apply.exitCode, 0, apply.stdout);
      assert.match(apply.stderr, /ClusterNetworkPolicy two-subjects: [^\n]*spec\.subject/);
      assert.match(apply.stderr, /BaselineAdminNetworkPolicy not-default: [^\n]*metadata\.name/);
    });
    assert.match(
      run.stderr,
      /cluster policies: read 3 ClusterNetworkPolicy \(v1alpha2\), 1 AdminNetworkPolicy \(v1alpha1\), 1 BaselineAdminNetworkPolicy/,
    );
    const assertions = assertionsOf(run.report);
    assert.equal(assertions.length, 9);
    assert.deepEqual(
      assertions.filter((a) => a.outcome !== 'pass').map(assertionKey),
      [],
      JSON.stringify(run.report, null, 1),
    );
    assert.equal(run.exitCode, 0);
    assertWireMatchesExpectations(assertions);
  });

  test('--cni no-cluster-policies (kindnet) fails exactly what the model without cluster policies fails', async () => {
    const expected = await modelFailures(dropClusterPolicies);
    // By hand: what only a cluster policy denies (the Admin Deny, the Baseline denies).
    assert.deepEqual(
      expected,
      await keysNamed([ADMIN_DENY, PASS_TO_BASELINE, PASS_TO_BASELINE_BESIDE, BASELINE_EGRESS]),
    );
    const run = await runInLab('e2ecnpnone', 'no-cluster-policies');
    assert.equal(run.exitCode, 1);
    assertFailedExactly(run.report, expected);
  });

  test('--cni no-pass fails exactly what the model with Pass read as Accept fails', async () => {
    const expected = await modelFailures(passAsAccept);
    // By hand: what a Pass hands to a deny further down (the NetworkPolicy, the Baseline).
    assert.deepEqual(expected, await keysNamed([PASS_TO_DENY, PASS_TO_BASELINE, PASS_TO_BASELINE_BESIDE]));
    const run = await runInLab('e2ecnppass', 'no-pass');
    assert.equal(run.exitCode, 1);
    assertFailedExactly(run.report, expected);
  });
});
