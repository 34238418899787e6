/**
 * Cluster policies read live: a lab comes up with workloads and NetworkPolicies only; a
 * ClusterNetworkPolicy and an AdminNetworkPolicy are then created through its API, as
 * kubectl would. `generate --from-cluster --lab` says how many cluster policies it read
 * and derives cases from them (tagged `cluster-policy`, the cross-tier ones among them);
 * `run` over that suite passes with real packets and says what it read too. With the
 * AdminNetworkPolicy deleted, the next read says so and its cases are gone. Needs root
 * and the lab's control plane.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { assertionsOf, e2eSkipReason, labDown, labUp, REPO_ROOT, runCli, runJson } from './e2e-support.js';

const skip = await e2eSkipReason();
const LAB = 'e2ecpreads';
const WORKLOADS = 'test/e2e/fixtures/cluster-policies/manifests';
const POLICIES = 'test/e2e/fixtures/cluster-policy-reads/cluster-policies.yaml';
const GROUP = 'policy.networking.k8s.io';
const PLURALS: Readonly<Record<string, string>> = {
  ClusterNetworkPolicy: 'clusternetworkpolicies',
  AdminNetworkPolicy: 'adminnetworkpolicies',
};

interface PolicyObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
}

async function fixturePolicies(): Promise<PolicyObject[]> {
  const text = await readFile(join(REPO_ROOT, POLICIES), 'utf8');
  return parseAllDocuments(text).map((document) => document.toJS() as PolicyObject);
}

/** Where an object of `policy`'s kind lives in the API. */
function resourceOf(policy: PolicyObject): { group: string; version: string; plural: string } {
  const plural = PLURALS[policy.kind];
  assert.ok(plural !== undefined, `a fixture of kind ${policy.kind}`);
  return { group: GROUP, version: policy.apiVersion.split('/')[1] ?? '', plural };
}

/** The `# tags:` line of each generated case, as a list. */
function tagsOf(suite: string): string[][] {
  return [...suite.matchAll(/^\s*# tags: (.*)$/gm)].map((match) => (match[1] ?? '').split(', '));
}

const READ_NOTE = (anp: number) =>
  `netpol-assert: cluster policies: read 1 ClusterNetworkPolicy (v1alpha2), ${anp} AdminNetworkPolicy (v1alpha1), 0 BaselineAdminNetworkPolicy (v1alpha1)\n`;

describe('cluster policies read from a live lab', { skip, timeout: 300_000 }, () => {
  let custom: CustomObjectsApi | undefined;
  let folder = '';

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'npa-cluster-policy-reads-'));
    const kubeconfig = await labUp(LAB, {
      manifests: [`${WORKLOADS}/workloads.yaml`, `${WORKLOADS}/network-policies.yaml`],
    });
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    custom = config.makeApiClient(CustomObjectsApi);
    for (const policy of await fixturePolicies())
      await custom.createClusterCustomObject({ ...resourceOf(policy), body: policy });
  });

  after(async () => {
    await labDown(LAB);
    if (folder !== '') await rm(folder, { recursive: true, force: true });
  });

  test('generate --from-cluster names what it read and derives cases from the cluster policies, which pass live', async (t) => {
    const generated = await runCli([
      'generate',
      '--from-cluster',
      '--lab',
      LAB,
      '--live',
      '--name',
      'live-reads',
    ]);
    assert.equal(generated.exitCode, 0, generated.stderr);
    assert.ok(generated.stderr.includes(READ_NOTE(1)), generated.stderr);
    assert.match(generated.stdout, /from 2 NetworkPolicies and 2 cluster policies in cluster /);
    const tags = tagsOf(generated.stdout);
    const tiered = tags.filter((list) => list.includes('cluster-policy'));
    for (const tag of [
      'admin-tier',
      'action-deny',
      'action-pass',
      'admin-overrides-networkpolicy',
      'pass-to-networkpolicy',
    ])
      assert.ok(
        tiered.some((list) => list.includes(tag)),
        `a cluster-policy case tagged ${tag}:\n${generated.stdout}`,
      );
    for (const name of ['ClusterNetworkPolicy/reads-deny-b-to-a', 'AdminNetworkPolicy/reads-monitoring'])
      assert.ok(generated.stdout.includes(`generated: ${name} `), `a case from ${name}`);

    const suite = join(folder, 'live-reads.yaml');
    await writeFile(suite, generated.stdout);
    const started = Date.now();
    const { run, report } = await runJson([suite, '--lab', LAB]);
    t.diagnostic(
      `${tags.length} generated cases, ${tiered.length} from cluster policies; run live in ${Date.now() - started} ms`,
    );
    assert.ok(run.stderr.includes(READ_NOTE(1)), run.stderr);
    const assertions = assertionsOf(report);
    assert.equal(assertions.length, tags.length);
    assert.deepEqual(
      assertions.filter((a) => a.outcome !== 'pass').map((a) => a.name),
      [],
      JSON.stringify(report, null, 1),
    );
    assert.equal(run.exitCode, 0);
    // Every pair on the wire as its case expects: connected for an allow, dropped for a deny.
    for (const assertion of assertions) {
      const wanted = assertion.expect === 'allow' ? ['connected'] : ['timeout', 'unreachable'];
      assert.ok(assertion.pairs.length > 0, assertion.name);
      for (const pair of assertion.pairs)
        assert.ok(wanted.includes(pair.observations[0] ?? ''), `${assertion.name}: ${pair.observations}`);
    }
  });

  test('a cluster policy deleted from the cluster is gone from the next read', async () => {
    assert.ok(custom);
    const anp = (await fixturePolicies()).find((policy) => policy.kind === 'AdminNetworkPolicy');
    assert.ok(anp);
    await custom.deleteClusterCustomObject({ ...resourceOf(anp), name: anp.metadata.name });
    const generated = await runCli(['generate', '--from-cluster', '--lab', LAB, '--live']);
    assert.equal(generated.exitCode, 0, generated.stderr);
    assert.ok(generated.stderr.includes(READ_NOTE(0)), generated.stderr);
    assert.match(generated.stdout, /from 2 NetworkPolicies and 1 cluster policy in cluster /);
    assert.ok(!generated.stdout.includes('AdminNetworkPolicy/'), generated.stdout);
    assert.ok(generated.stdout.includes('generated: ClusterNetworkPolicy/reads-deny-b-to-a '));
  });
});
