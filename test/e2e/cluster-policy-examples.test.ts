/**
 * The cluster-policy examples (examples/cluster-policies/) live: `run` over the whole pack
 * in an empty lab applies every suite's `setup:` (namespaces, pods, NetworkPolicies, and
 * the cluster-scoped ClusterNetworkPolicies, AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy), reads them back as a live cluster's policies, passes every
 * assertion with real packets, and removes what it made: afterwards the API lists no
 * cluster policy and no namespace of the examples. The offline half is
 * test/cli/cluster-policy-examples.test.ts. Needs root and the lab's control plane.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { assertionsOf, e2eSkipReason, eventually, labDown, labUp, runJson } from './e2e-support.js';

const skip = await e2eSkipReason();
const LAB = 'e2ecpexamp';
const PACK = 'examples/cluster-policies/';
const GROUP = 'policy.networking.k8s.io';
const RESOURCES = [
  { version: 'v1alpha2', plural: 'clusternetworkpolicies', kind: 'ClusterNetworkPolicy' },
  { version: 'v1alpha1', plural: 'adminnetworkpolicies', kind: 'AdminNetworkPolicy' },
  { version: 'v1alpha1', plural: 'baselineadminnetworkpolicies', kind: 'BaselineAdminNetworkPolicy' },
] as const;

interface LabApi {
  readonly custom: CustomObjectsApi;
  readonly core: CoreV1Api;
}

/** Every cluster policy the lab's API lists, as `Kind/name`. */
async function clusterPolicies(api: LabApi): Promise<string[]> {
  const lists = await Promise.all(
    RESOURCES.map(async ({ version, plural, kind }) => {
      const list = (await api.custom.listClusterCustomObject({ group: GROUP, version, plural })) as {
        items: { metadata: { name: string } }[];
      };
      return list.items.map((item) => `${kind}/${item.metadata.name}`);
    }),
  );
  return lists.flat().sort();
}

/** The examples' namespaces (cpNN-...) the API still lists and that are not being deleted. */
async function exampleNamespaces(api: LabApi): Promise<string[]> {
  const list = await api.core.listNamespace();
  return list.items
    .filter((ns) => /^cp\d\d-/.test(ns.metadata?.name ?? '') && ns.metadata?.deletionTimestamp === undefined)
    .map((ns) => ns.metadata?.name ?? '');
}

describe('the cluster-policy examples run live in a lab', { skip, timeout: 300_000 }, () => {
  let api: LabApi | undefined;

  before(async () => {
    const kubeconfig = await labUp(LAB, { manifests: [] });
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    api = { custom: config.makeApiClient(CustomObjectsApi), core: config.makeApiClient(CoreV1Api) };
  });

  after(async () => {
    await labDown(LAB);
  });

  test('run applies each setup, cluster policies included, passes every assertion, and removes them', async (t) => {
    assert.ok(api);
    assert.deepEqual(await clusterPolicies(api), [], 'the lab starts without cluster policies');
    const started = Date.now();
    const { run, report } = await runJson([PACK, '--lab', LAB]);
    t.diagnostic(`run over the pack in ${Date.now() - started} ms`);
    // The run read back what its setup applied: 5 ClusterNetworkPolicies, the ANP and the BANP.
    assert.match(
      run.stderr,
      /cluster policies: read 5 ClusterNetworkPolicy \(v1alpha2\), 1 AdminNetworkPolicy \(v1alpha1\), 1 BaselineAdminNetworkPolicy \(v1alpha1\)/,
      run.stderr,
    );
    assert.match(run.stderr, /setup: (\d+) object\(s\) created, 0 already there/);
    const created = Number(/setup: (\d+) object\(s\) created/.exec(run.stderr)?.[1]);
    assert.match(run.stderr, new RegExp(`setup: removing the ${created} object\\(s\\) this run created`));
    const assertions = assertionsOf(report);
    assert.equal(report.suites.length, 6);
    assert.equal(assertions.length, 20);
    assert.deepEqual(
      assertions.filter((a) => a.outcome !== 'pass').map((a) => a.name),
      [],
      JSON.stringify(report, null, 1),
    );
    assert.equal(run.exitCode, 0, run.stderr);
    for (const assertion of assertions) {
      const wanted = assertion.expect === 'allow' ? ['connected'] : ['timeout', 'unreachable'];
      for (const pair of assertion.pairs)
        assert.ok(wanted.includes(pair.observations[0] ?? ''), `${assertion.name}: ${pair.observations}`);
    }
    // What the run made is gone: cluster-scoped objects at once, namespaces once deleted.
    assert.deepEqual(await clusterPolicies(api), []);
    const left = await eventually(
      () => exampleNamespaces(api as LabApi),
      (names) => names.length === 0,
      30_000,
    );
    assert.deepEqual(left, [], 'no namespace of the examples is left');
  });
});
