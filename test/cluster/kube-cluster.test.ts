/**
 * KubeCluster against a fake API server (fake-api-server.ts) reached through a real
 * kubeconfig: what it reads from a cluster, the requests it sends to create and delete
 * (paths, bodies, labels), exec over the WebSocket upgrade, and how failures of the API
 * server (409, 403, 404, a closed port) become ClusterUnavailableError or are let pass.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, test } from 'node:test';
import { ClusterUnavailableError, KubeCluster, noticeText } from '../../src/cluster/index.js';
import type { ClusterNotice } from '../../src/cluster/index.js';
import { stateFromManifests } from '../../src/manifests/index.js';
import type { ClusterState, Namespace, Pod } from '../../src/policy/cluster.js';
import { PolicyEngine } from '../../src/policy/index.js';
import { closedPort, failure, FakeApiServer, TOKEN } from './fake-api-server.js';
import type { ApiObject, RecordedRequest, ServedResource } from './fake-api-server.js';

// The wire contract with what earlier runs left in a cluster, so spelled out, not imported.
const RUN_LABEL = 'netpol-assert.io/run';
const PROBE_LABEL = 'netpol-assert.io/probe';
const CLAIM = 'netpol-assert.io/claim-';
const AGENT_NAMESPACE = 'netpol-assert-system';
const AGENT_NAME = 'netpol-assert-agent';
const IMAGE = 'registry.example/agent:test';
const RUN = 'r0';

let fake: FakeApiServer;
let cluster: KubeCluster;
beforeEach(async () => {
  fake = await FakeApiServer.start();
  cluster = KubeCluster.connect({ kubeconfig: fake.kubeconfig });
});
afterEach(async () => {
  cluster.closeOpenExecs();
  await fake.stop();
});

test('connect follows the kubeconfig: the current context, or the one named', () => {
  assert.equal(cluster.name, 'fake');
  assert.equal(cluster.kubeConfig.getCurrentCluster()?.server, fake.url);
  const other = KubeCluster.connect({ kubeconfig: fake.kubeconfig, context: 'other' });
  assert.equal(other.name, 'other');
});

test('connect refuses a kubeconfig it cannot read, with the hint it was given', () => {
  const missing = `${fake.kubeconfig}.missing`;
  assert.throws(
    () => KubeCluster.connect({ kubeconfig: missing }),
    (error: unknown) =>
      error instanceof ClusterUnavailableError && /^cannot load the kubeconfig: /.test(error.message),
  );
  assert.throws(
    () => KubeCluster.connect({ kubeconfig: missing, unreadableHint: "is lab 'x' up?" }),
    (error: unknown) =>
      error instanceof ClusterUnavailableError &&
      error.message.startsWith("cannot load the kubeconfig (is lab 'x' up?): "),
  );
  assert.throws(
    () => KubeCluster.connect({ kubeconfig: fake.kubeconfig, context: 'no-such-context' }),
    ClusterUnavailableError,
  );
});

test('connect refuses a kubeconfig that names no current cluster', async () => {
  const empty = `${fake.kubeconfig}.empty`;
  await writeFile(empty, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [] }));
  assert.throws(() => KubeCluster.connect({ kubeconfig: empty }), {
    name: 'ClusterUnavailableError',
    message: `kubeconfig ${empty} defines no contexts, clusters or users (is it a kubeconfig?)`,
  });
});

test('snapshot reads namespaces, nodes, running pods, services, policies and workloads', async () => {
  seedShop();
  const snapshot = await cluster.snapshot();
  const { state } = snapshot;
  // Neither the namespace being deleted nor the agent's own is tested; pods follow them.
  assert.deepEqual(state.namespaces.map((ns) => ns.name).sort(), ['default', 'shop']);
  assert.deepEqual(state.namespaces.find((ns) => ns.name === 'shop')?.labels, {
    'kubernetes.io/metadata.name': 'shop',
    team: 'shop',
  });
  assert.deepEqual(
    state.nodes.map((node) => node.name),
    ['node-a', 'node-b'],
  );
  assert.deepEqual(
    state.pods.map((pod) => `${pod.namespace}/${pod.name}`),
    ['shop/web-1'],
  );
  const web = state.pods[0];
  assert.deepEqual(web?.ips, ['10.244.1.5']);
  assert.equal(web?.nodeName, 'node-a');
  assert.deepEqual(web?.labels, { app: 'web' });
  assert.deepEqual(web?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  // The ReplicaSet's owner is the pod's workload (deploy:shop/web).
  assert.deepEqual(web?.owner, { kind: 'Deployment', name: 'web' });
  assert.deepEqual(
    state.services.map((service) => `${service.namespace}/${service.name}`),
    ['shop/web'],
  );
  // The rule's `from` survives the client's model (`_from`): a dropped peer would admit everyone.
  assert.equal(state.policies.length, 1);
  assert.deepEqual(state.policies[0]?.ref, { namespace: 'shop', name: 'allow-monitoring' });
  assert.equal(state.policies[0]?.ingress?.[0]?.peers.kind, 'peers');
  assert.deepEqual(
    [...snapshot.pods.entries()],
    [
      [
        'shop/web-1',
        {
          namespace: 'shop',
          name: 'web-1',
          uid: 'web-1-uid',
          nodeName: 'node-a',
          ip: '10.244.1.5',
          ready: true,
        },
      ],
    ],
  );
  assert.deepEqual(fake.calls().sort(), [
    'GET /api/v1/namespaces',
    'GET /api/v1/nodes',
    'GET /api/v1/pods',
    'GET /api/v1/services',
    'GET /apis',
    'GET /apis/apps/v1/daemonsets',
    'GET /apis/apps/v1/deployments',
    'GET /apis/apps/v1/replicasets',
    'GET /apis/apps/v1/statefulsets',
    'GET /apis/networking.k8s.io/v1/networkpolicies',
  ]);
  assert.ok(fake.requests.every((request) => request.authorization === `Bearer ${TOKEN}`));
});

test("snapshot leaves out other runs' probe pods and probe namespaces, and keeps a setup pod that carries a run label", async () => {
  seedShop();
  const running = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
  fake.seed('/api/v1/namespaces', claimedNamespace('npa-ns-1', 'other', ['other']));
  fake.seed(
    '/api/v1/pods',
    // Another run's source in shop, with the very labels an assertion asks for: not the cluster's.
    {
      ...runPod('shop', 'npa-src-1-other', 'other'),
      metadata: {
        name: 'npa-src-1-other',
        namespace: 'shop',
        labels: { app: 'web', [RUN_LABEL]: 'other', [PROBE_LABEL]: 'source' },
      },
      status: { ...running, podIP: '10.244.1.20' },
    },
    { ...runPod('npa-ns-1', 'npa-dst-1-other', 'other'), status: { ...running, podIP: '10.244.1.21' } },
    // A suite's setup pod: labelled with the run that applied it, but the cluster's to test.
    { ...runPod('shop', 'setup-pod', 'other'), status: { ...running, podIP: '10.244.1.22' } },
  );
  const { state, pods } = await cluster.snapshot();
  assert.deepEqual(state.namespaces.map((ns) => ns.name).sort(), ['default', 'shop']);
  assert.deepEqual(state.pods.map((pod) => `${pod.namespace}/${pod.name}`).sort(), [
    'shop/setup-pod',
    'shop/web-1',
  ]);
  assert.deepEqual([...pods.keys()].sort(), ['shop/setup-pod', 'shop/web-1']);
});

test('snapshot: a 403 on any list is a cluster that cannot be used, naming what was read', async () => {
  fake.intercept = (request) =>
    request.path === '/apis/networking.k8s.io/v1/networkpolicies'
      ? failure(403, 'Forbidden', 'networkpolicies is forbidden: User "ci" cannot list resource')
      : undefined;
  await assert.rejects(cluster.snapshot(), (error: unknown) => {
    assert.ok(error instanceof ClusterUnavailableError);
    assert.equal(
      error.message,
      'could not read the cluster on fake: list NetworkPolicies: networkpolicies is forbidden: ' +
        'User "ci" cannot list resource (Forbidden, HTTP 403)',
    );
    return true;
  });
});

test('snapshot without the policy CRDs: no cluster policies, and one note saying so however often it reads', async () => {
  seedShop();
  const { cluster: telling, notices } = withNotices();
  const first = await telling.snapshot();
  const second = await telling.snapshot();
  assert.equal(first.state.clusterPolicies, undefined);
  assert.equal(first.state.unmodelledPolicies, undefined);
  assert.deepEqual(second.state, first.state);
  assert.deepEqual(notices.map(noticeText), [
    'cluster policies: the policy.networking.k8s.io CRDs are not installed; only NetworkPolicies are modelled',
  ]);
  // Discovery only: nothing is listed from a group the server does not serve.
  assert.deepEqual(
    fake.calls().filter((call) => call.startsWith('GET /apis') && !/apps|networking\.k8s\.io\//.test(call)),
    ['GET /apis', 'GET /apis'],
  );
});

test('snapshot reads the served cluster policies, built as --state builds them: the verdict follows', async () => {
  seedShop();
  const without = (await cluster.snapshot()).state;
  fake.serveResource(...POLICY_CRDS);
  // Served in a version the model does not read too: the objects are read once, in v1alpha2.
  fake.serveResource({ ...cnpResource, version: 'v1beta1' });
  fake.seed('/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies', denyNodesFromShop);
  const { cluster: telling, notices } = withNotices();
  const { state } = await telling.snapshot();
  assert.deepEqual(
    state.clusterPolicies?.map((policy) => policy.ref),
    [{ kind: 'ClusterNetworkPolicy', name: 'no-nodes' }],
  );
  // Live and offline agree: the same object from a file builds the same policy.
  const offline = stateFromManifests([
    { object: structuredClone(denyNodesFromShop), location: { file: 'cnp.yaml', line: 1, col: 1 } },
  ]);
  assert.deepEqual(state.clusterPolicies, offline.state.clusterPolicies);
  assert.equal(state.unmodelledPolicies, undefined);
  assert.deepEqual(notices.map(noticeText), [
    'cluster policies: read 1 ClusterNetworkPolicy (v1alpha2), 0 AdminNetworkPolicy (v1alpha1), 0 BaselineAdminNetworkPolicy (v1alpha1)',
  ]);
  assert.ok(!fake.calls().some((call) => call.includes('v1beta1/clusternetworkpolicies')));
  // web-1 to node-b: allowed with NetworkPolicies alone (none isolates its egress), denied by the Admin tier.
  assert.equal(new PolicyEngine(without).verdict(webToNodeB(without)).allowed, true);
  const verdict = new PolicyEngine(state).verdict(webToNodeB(state));
  assert.equal(verdict.allowed, false);
  assert.equal(verdict.egress.tiers?.decidedBy, 'Admin');
});

test('snapshot names policies of kinds the model does not know, as --state does: a warning, and in verdicts', async () => {
  seedShop();
  fake.serveResource(
    {
      group: 'cilium.io',
      version: 'v2',
      plural: 'ciliumnetworkpolicies',
      kind: 'CiliumNetworkPolicy',
      namespaced: true,
    },
    // Not a policy: never listed.
    {
      group: 'cilium.io',
      version: 'v2',
      plural: 'ciliumendpoints',
      kind: 'CiliumEndpoint',
      namespaced: true,
    },
  );
  fake.seed(
    '/apis/cilium.io/v2/ciliumnetworkpolicies',
    cilium('shop', 'l7-web'),
    // The agent's namespace is not tested: what is in it names nothing.
    cilium(AGENT_NAMESPACE, 'agent-egress'),
  );
  const { cluster: telling, notices } = withNotices();
  const { state } = await telling.snapshot();
  assert.deepEqual(state.unmodelledPolicies, [
    { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', name: 'l7-web', namespace: 'shop' },
  ]);
  assert.deepEqual(notices.map(noticeText), [
    'cluster policies: the policy.networking.k8s.io CRDs are not installed; only NetworkPolicies are modelled',
    'warning UNMODELLED_POLICY: cilium.io/v2 CiliumNetworkPolicy shop/l7-web is not modelled: verdicts involving namespace shop may be wrong',
  ]);
  assert.deepEqual(
    new PolicyEngine(state).verdict(webToNodeB(state)).unmodelled?.map((p) => p.name),
    ['l7-web'],
  );
  assert.ok(!fake.calls().some((call) => call.includes('ciliumendpoints')));
});

test('snapshot: a policy listing refused (403) is a warning naming the verb and resource; the rest is read', async () => {
  seedShop();
  fake.serveResource(...POLICY_CRDS, {
    group: 'cilium.io',
    version: 'v2',
    plural: 'ciliumclusterwidenetworkpolicies',
    kind: 'CiliumClusterwideNetworkPolicy',
    namespaced: false,
  });
  fake.seed('/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies', denyNodesFromShop);
  fake.intercept = (request) =>
    request.path === '/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies'
      ? failure(
          403,
          'Forbidden',
          'ciliumclusterwidenetworkpolicies.cilium.io is forbidden: User "ci" cannot list',
        )
      : undefined;
  const { cluster: telling, notices } = withNotices();
  const { state } = await telling.snapshot();
  assert.equal(state.clusterPolicies?.length, 1);
  assert.deepEqual(notices.map(noticeText), [
    'cluster policies: read 1 ClusterNetworkPolicy (v1alpha2), 0 AdminNetworkPolicy (v1alpha1), 0 BaselineAdminNetworkPolicy (v1alpha1)',
    'warning POLICIES_NOT_READ: list ciliumclusterwidenetworkpolicies.cilium.io is forbidden ' +
      '(403: ciliumclusterwidenetworkpolicies.cilium.io is forbidden: User "ci" cannot list): ' +
      'grant the runner list on it (docs/live-runs.md); CiliumClusterwideNetworkPolicy objects are neither modelled nor named: verdicts may be wrong',
  ]);
});

test('snapshot: a cluster policy the model rejects is named as unmodelled, with why, not a failure', async () => {
  seedShop();
  fake.serveResource(...POLICY_CRDS);
  const tooLow = { ...denyNodesFromShop, metadata: { name: 'too-low' } };
  fake.seed('/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies', {
    ...tooLow,
    spec: { ...(denyNodesFromShop.spec as object), priority: 5000 },
  });
  const { cluster: telling, notices } = withNotices();
  const { state } = await telling.snapshot();
  assert.equal(state.clusterPolicies, undefined);
  assert.deepEqual(state.unmodelledPolicies, [
    {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      name: 'too-low',
      namespace: undefined,
    },
  ]);
  const warnings = notices.filter((n) => n.kind === 'warning').map(noticeText);
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(
    warnings[0] ?? '',
    /^warning BAD_CLUSTER_POLICY: ClusterNetworkPolicy too-low .*spec\.priority: 5000/,
  );
  assert.match(
    warnings[1] ?? '',
    /^warning UNMODELLED_POLICY: .* ClusterNetworkPolicy too-low is not modelled/,
  );
});

test("snapshot reads Calico's policies once: from its API server, else from its CRDs when that is down", async () => {
  seedShop();
  const calico = (group: string, version: string): ServedResource => ({
    group,
    version,
    plural: 'globalnetworkpolicies',
    kind: 'GlobalNetworkPolicy',
    namespaced: false,
  });
  fake.serveResource(calico('projectcalico.org', 'v3'), calico('crd.projectcalico.org', 'v1'));
  const global = (apiVersion: string): ApiObject => ({
    apiVersion,
    kind: 'GlobalNetworkPolicy',
    metadata: { name: 'deny-all' },
    spec: {},
  });
  fake.seed('/apis/projectcalico.org/v3/globalnetworkpolicies', global('projectcalico.org/v3'));
  fake.seed('/apis/crd.projectcalico.org/v1/globalnetworkpolicies', global('crd.projectcalico.org/v1'));
  const served = await cluster.snapshot();
  assert.deepEqual(
    served.state.unmodelledPolicies?.map((p) => p.apiVersion),
    ['projectcalico.org/v3'],
  );
  fake.intercept = (request) =>
    request.path === '/apis/projectcalico.org/v3'
      ? failure(503, 'ServiceUnavailable', 'the server is currently unable to handle the request')
      : undefined;
  const { cluster: telling, notices } = withNotices();
  const down = await telling.snapshot();
  assert.deepEqual(
    down.state.unmodelledPolicies?.map((p) => p.apiVersion),
    ['crd.projectcalico.org/v1'],
  );
  assert.ok(
    notices.some((n) =>
      noticeText(n).startsWith('warning POLICIES_NOT_READ: could not discover projectcalico.org/v3 (503: '),
    ),
  );
});

test('a closed port: every call is tried again for the time given, then fails as a cluster that cannot be used', async () => {
  const closed = await closedPort();
  const kubeconfig = `${fake.kubeconfig}.closed`;
  await writeFile(
    kubeconfig,
    (await readFile(fake.kubeconfig, 'utf8')).replace(fake.url, `http://127.0.0.1:${closed}`),
  );
  const notices: ClusterNotice[] = [];
  const unreachable = KubeCluster.connect({
    kubeconfig,
    retryForMs: 600,
    onNotice: (notice) => notices.push(notice),
  });
  const started = Date.now();
  await assert.rejects(unreachable.snapshot(), (error: unknown) => {
    assert.ok(error instanceof ClusterUnavailableError);
    assert.match(error.message, /^could not read the cluster on fake: .*ECONNREFUSED/s);
    return true;
  });
  assert.ok(Date.now() - started >= 250, 'tried again after the first backoff');
  assert.match(
    noticeText(notices[0] ?? { kind: 'note', message: '' }),
    /^the API server did not answer \(.*ECONNREFUSED.*\): trying again for up to 0.6s$/,
  );
  await assert.rejects(
    unreachable.removeAgent(),
    /^ClusterUnavailableError: could not remove the agent on fake/,
  );
  const agent = { nodeName: 'node-a', namespace: AGENT_NAMESPACE, name: 'agent-node-a' };
  await assert.rejects(
    unreachable.execInAgent(agent, ['true'], ''),
    /^ClusterUnavailableError: exec into netpol-assert-system\/agent-node-a failed: .*ECONNREFUSED/s,
  );
});

test('createRunObjects labels namespaces and pods with the run and waits for them to be Ready', async () => {
  fake.seed('/api/v1/namespaces', namespace('default'));
  let podPolls = 0;
  fake.intercept = (request) => {
    // The pods come up on the second look: the first must be waited out, not taken.
    if (request.method === 'GET' && request.path === '/api/v1/pods' && ++podPolls === 2) startPods();
    return undefined;
  };
  const pods = await cluster.createRunObjects(
    'r1',
    [probeNamespace('probe-ns', { team: 'x' })],
    [
      { pod: probePod('probe-ns', 'src-1', { app: 'client' }, []), role: 'source' },
      {
        pod: probePod('default', 'dst-1', { app: 'api' }, [{ port: 8080, protocol: 'TCP' }]),
        role: 'responder',
      },
    ],
    10_000,
    IMAGE,
  );
  assert.deepEqual(fake.calls('POST'), [
    'POST /api/v1/namespaces',
    'POST /api/v1/namespaces/probe-ns/pods',
    'POST /api/v1/namespaces/default/pods',
  ]);
  const [created] = bodiesOf('POST', '/api/v1/namespaces');
  assert.deepEqual(created?.metadata.labels, { team: 'x', [RUN_LABEL]: 'r1', [PROBE_LABEL]: 'namespace' });
  assert.deepEqual(Object.keys(created?.metadata.annotations ?? {}), [`${CLAIM}r1`]);
  const [responder] = bodiesOf('POST', '/api/v1/namespaces/default/pods');
  // Named for the run: another run planning the same pod makes its own.
  assert.deepEqual(responder?.metadata, {
    name: 'dst-1-r1',
    namespace: 'default',
    labels: { app: 'api', [RUN_LABEL]: 'r1', [PROBE_LABEL]: 'responder' },
  });
  const container = (responder?.spec as { containers: Record<string, unknown>[] }).containers[0];
  assert.equal(container?.image, IMAGE);
  assert.deepEqual(container?.command, ['netpol-assert-agent', 'respond', '--tcp', '8080']);
  assert.deepEqual(container?.ports, [{ containerPort: 8080, protocol: 'TCP' }]);
  // Waiting lists the run's pods by their label, until all are Ready.
  const polls = fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/pods');
  assert.equal(polls.length, 2);
  assert.ok(polls.every((r) => r.query.get('labelSelector') === `${RUN_LABEL}=r1,${PROBE_LABEL}`));
  // Keyed by the plan's names, as the agents runner looks them up; the live names are the run's.
  assert.deepEqual([...pods.keys()].sort(), ['default/dst-1', 'probe-ns/src-1']);
  assert.equal(pods.get('default/dst-1')?.name, 'dst-1-r1');
  assert.equal(pods.get('default/dst-1')?.ready, true);
  assert.equal(pods.get('default/dst-1')?.ip, '10.244.0.2');
});

test('createRunObjects uses a namespace someone made since (409) as it is, and creates no pods when none are asked', async () => {
  fake.seed('/api/v1/namespaces', namespace('probe-ns'));
  const pods = await cluster.createRunObjects('r2', [probeNamespace('probe-ns')], [], 1000, IMAGE);
  assert.equal(pods.size, 0);
  assert.deepEqual(fake.calls('POST', 'PUT'), ['POST /api/v1/namespaces']);
  assert.deepEqual(fake.objects('/api/v1/namespaces')[0]?.metadata.annotations, undefined);
});

test("createRunObjects claims another run's probe namespace (409), and the last run out removes it", async () => {
  fake.seed('/api/v1/namespaces', {
    ...namespace('probe-ns'),
    metadata: {
      name: 'probe-ns',
      labels: { [RUN_LABEL]: 'r1', [PROBE_LABEL]: 'namespace' },
      annotations: { [`${CLAIM}r1`]: '2024-01-01T00:00:00Z' },
    },
  });
  await cluster.createRunObjects('r2', [probeNamespace('probe-ns')], [], 1000, IMAGE);
  assert.deepEqual(fake.calls('POST', 'PUT'), ['POST /api/v1/namespaces', 'PUT /api/v1/namespaces/probe-ns']);
  const claims = () => Object.keys(fake.objects('/api/v1/namespaces')[0]?.metadata.annotations ?? {}).sort();
  assert.deepEqual(claims(), [`${CLAIM}r1`, `${CLAIM}r2`]);
  // r1 ends first: its claim goes, the namespace stays for r2; r2 ends: the namespace goes.
  await cluster.removeRunObjects('r1');
  assert.deepEqual(claims(), [`${CLAIM}r2`]);
  assert.deepEqual(
    fake.calls('DELETE').filter((call) => call.startsWith('DELETE /api/v1/namespaces/probe-ns?')),
    [],
  );
  await cluster.removeRunObjects('r2');
  assert.deepEqual(fake.objects('/api/v1/namespaces'), []);
});

test('createRunObjects waits until a namespace of the same name has finished terminating', async () => {
  fake.seed('/api/v1/namespaces', {
    ...namespace('probe-ns'),
    metadata: { name: 'probe-ns', deletionTimestamp: '2024-01-01T00:00:00Z' },
  });
  let looks = 0;
  fake.intercept = (request) => {
    if (request.method === 'GET' && request.path === '/api/v1/namespaces' && ++looks === 3)
      fake.objects('/api/v1/namespaces').splice(0);
    return undefined;
  };
  await cluster.createRunObjects('r3', [probeNamespace('probe-ns')], [], 10_000, IMAGE);
  assert.equal(looks, 3);
  assert.deepEqual(
    fake.objects('/api/v1/namespaces').map((ns) => ns.metadata.labels),
    [{ [RUN_LABEL]: 'r3', [PROBE_LABEL]: 'namespace' }],
  );
});

test('createRunObjects: a 403 on the pods, and pods that never become Ready, are named', async () => {
  fake.intercept = (request) =>
    request.method === 'POST' && request.path.endsWith('/pods')
      ? failure(403, 'Forbidden', 'pods is forbidden')
      : undefined;
  const spec = { pod: probePod('default', 'src-1', { app: 'client' }, []), role: 'source' as const };
  await assert.rejects(cluster.createRunObjects('r4', [], [spec], 1000, IMAGE), {
    name: 'ClusterUnavailableError',
    message:
      'could not create the probe pods on fake: create Pod default/src-1-r4: pods is forbidden (Forbidden, HTTP 403)',
  });
  fake.intercept = () => undefined;
  await assert.rejects(cluster.createRunObjects('r5', [], [spec], 0, IMAGE), {
    name: 'ClusterUnavailableError',
    message: 'probe pods not Ready after 0s: 0 of 1 ready',
  });
});

test('createRunObjects stops at once on an image the nodes cannot pull', async () => {
  fake.intercept = (request) => {
    if (request.method === 'GET' && request.path === '/api/v1/pods')
      for (const pod of fake.objects('/api/v1/pods'))
        pod.status = {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'probe',
              image: IMAGE,
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ErrImagePull', message: 'not found' } },
            },
          ],
        };
    return undefined;
  };
  const spec = { pod: probePod('default', 'src-1', { app: 'client' }, []), role: 'source' as const };
  await assert.rejects(cluster.createRunObjects('r6', [], [spec], 60_000, IMAGE), (error: unknown) => {
    assert.ok(error instanceof ClusterUnavailableError);
    assert.match(
      error.message,
      new RegExp(
        `^the agent image ${IMAGE} cannot be pulled \\(ErrImagePull in default/src-1-r6: not found\\)`,
      ),
    );
    return true;
  });
});

test('ensureAgent installs the agent where it is missing and returns one Ready pod per node', async () => {
  fake.seed('/api/v1/nodes', node('node-a'), node('node-b'));
  fake.intercept = (request) => {
    if (request.method === 'GET' && request.path === `/api/v1/namespaces/${AGENT_NAMESPACE}/pods`)
      fake.seed('/api/v1/pods', ...['node-a', 'node-b'].map((name) => agentPod(name)).filter(notYetSeeded));
    return undefined;
  };
  const agents = await cluster.ensureAgent(RUN, IMAGE, 10_000);
  assert.deepEqual(fake.calls('POST'), [
    'POST /api/v1/namespaces',
    `POST /apis/apps/v1/namespaces/${AGENT_NAMESPACE}/daemonsets`,
  ]);
  const [ns] = bodiesOf('POST', '/api/v1/namespaces');
  assert.equal(ns?.metadata.name, AGENT_NAMESPACE);
  assert.equal(ns?.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'privileged');
  assert.deepEqual(Object.keys(ns?.metadata.annotations ?? {}), [`${CLAIM}${RUN}`]);
  const [daemonSet] = bodiesOf('POST', `/apis/apps/v1/namespaces/${AGENT_NAMESPACE}/daemonsets`);
  assert.equal(daemonSet?.metadata.name, AGENT_NAME);
  const template = (
    daemonSet?.spec as { template: { spec: { containers: { name: string; image: string }[] } } }
  ).template;
  assert.deepEqual(
    template.spec.containers.map((c) => [c.name, c.image]),
    [['agent', IMAGE]],
  );
  const waits = fake.requests.filter((r) => r.path === `/api/v1/namespaces/${AGENT_NAMESPACE}/pods`);
  assert.ok(waits.length > 0);
  assert.ok(waits.every((r) => r.query.get('labelSelector') === `app.kubernetes.io/name=${AGENT_NAME}`));
  assert.deepEqual([...agents.entries()].sort(), [
    ['node-a', { nodeName: 'node-a', namespace: AGENT_NAMESPACE, name: 'agent-node-a' }],
    ['node-b', { nodeName: 'node-b', namespace: AGENT_NAMESPACE, name: 'agent-node-b' }],
  ]);
});

test('ensureAgent leaves an installed agent as it is, with its claim added', async () => {
  fake.seed('/api/v1/nodes', node('node-a'));
  fake.seed('/api/v1/namespaces', namespace(AGENT_NAMESPACE));
  fake.seed(`/apis/apps/v1/daemonsets`, {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: AGENT_NAME, namespace: AGENT_NAMESPACE },
  });
  fake.seed('/api/v1/pods', agentPod('node-a'));
  const agents = await cluster.ensureAgent(RUN, IMAGE, 10_000);
  // The namespace is there (409): the claim goes on it; the DaemonSet is taken as it is.
  assert.deepEqual(fake.calls('POST', 'PUT'), [
    'POST /api/v1/namespaces',
    `PUT /api/v1/namespaces/${AGENT_NAMESPACE}`,
  ]);
  assert.deepEqual(Object.keys(fake.objects('/api/v1/namespaces')[0]?.metadata.annotations ?? {}), [
    `${CLAIM}${RUN}`,
  ]);
  assert.ok(
    fake.calls('GET').includes(`GET /apis/apps/v1/namespaces/${AGENT_NAMESPACE}/daemonsets/${AGENT_NAME}`),
  );
  assert.deepEqual([...agents.keys()], ['node-a']);
});

test('execInAgent runs the command in the agent container with stdin, and reports output and exit code', async () => {
  let seen: { path: string; query: URLSearchParams; stdin: string } | undefined;
  // "é" split across two frames: the streamed text must not break it.
  const e = Buffer.from('é');
  fake.exec = (exec) => {
    seen = exec;
    return {
      stdout: [
        Buffer.concat([Buffer.from('caf'), e.subarray(0, 1)]),
        Buffer.concat([e.subarray(1), Buffer.from('\n')]),
      ],
      stderr: 'warn\n',
      exitCode: 3,
    };
  };
  const streamed: string[] = [];
  const agent = { nodeName: 'node-a', namespace: AGENT_NAMESPACE, name: 'agent-node-a' };
  const result = await cluster.execInAgent(
    agent,
    ['netpol-assert-agent', 'probe'],
    Promise.resolve('{"batch":1}'),
    (text) => streamed.push(text),
  );
  // Streamed, the output is not kept for the result too.
  assert.deepEqual(result, { stdout: '', stderr: 'warn\n', exitCode: 3 });
  assert.equal(streamed.join(''), 'café\n');
  assert.equal(seen?.path, `/api/v1/namespaces/${AGENT_NAMESPACE}/pods/agent-node-a/exec`);
  assert.deepEqual(seen?.query.getAll('command'), ['netpol-assert-agent', 'probe']);
  assert.equal(seen?.query.get('container'), 'agent');
  assert.equal(seen?.query.get('stdin'), 'true');
  assert.equal(seen?.query.get('tty'), 'false');
  assert.equal(seen?.stdin, '{"batch":1}');
  const [upgrade] = fake.requests.filter((r) => r.method === 'EXEC');
  assert.equal(upgrade?.authorization, `Bearer ${TOKEN}`);
  fake.exec = () => ({ stdout: ['ok'], exitCode: 0 });
  assert.deepEqual(await cluster.execInAgent(agent, ['true'], ''), { stdout: 'ok', stderr: '', exitCode: 0 });
});

test('closeOpenExecs cuts an exec in flight: it fails as the cluster', async () => {
  fake.exec = () => 'hang';
  const agent = { nodeName: 'node-a', namespace: AGENT_NAMESPACE, name: 'agent-node-a' };
  const running = cluster.execInAgent(agent, ['sleep'], 'x');
  while (!fake.requests.some((r) => r.method === 'EXEC'))
    await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  cluster.closeOpenExecs();
  await assert.rejects(running, {
    name: 'ClusterUnavailableError',
    message: `exec into ${AGENT_NAMESPACE}/agent-node-a failed: the exec connection closed before the command ended`,
  });
});

test("removeRunObjects deletes one run's pods by label in each namespace, then the namespaces only it claims", async () => {
  fake.seed(
    '/api/v1/namespaces',
    namespace('default'),
    claimedNamespace('probe-ns', 'r1', ['r1']),
    claimedNamespace('other-run', 'r2', ['r2']),
  );
  fake.seed(
    '/api/v1/pods',
    runPod('default', 'dst-1', 'r1'),
    runPod('probe-ns', 'src-1', 'r1'),
    runPod('default', 'dst-9', 'r2'),
    {
      ...runPod('default', 'web', 'r1'),
      metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    },
  );
  await cluster.removeRunObjects('r1');
  const runSelector = encodeURIComponent(`${RUN_LABEL}=r1`);
  assert.deepEqual(fake.calls('DELETE').sort(), [
    `DELETE /api/v1/namespaces/default/pods?gracePeriodSeconds=0&labelSelector=${runSelector}`,
    `DELETE /api/v1/namespaces/probe-ns/pods?gracePeriodSeconds=0&labelSelector=${runSelector}`,
    'DELETE /api/v1/namespaces/probe-ns?gracePeriodSeconds=0',
  ]);
  // The claim comes off first; the deletion holds only if nothing was written since.
  assert.deepEqual(fake.calls('PUT'), ['PUT /api/v1/namespaces/probe-ns']);
  const [deletion] = bodiesOf('DELETE', '/api/v1/namespaces/probe-ns') as unknown as {
    preconditions?: { resourceVersion?: string };
  }[];
  assert.match(deletion?.preconditions?.resourceVersion ?? '', /^\d+$/);
  assert.deepEqual(
    fake
      .objects('/api/v1/pods')
      .map((pod) => pod.metadata.name)
      .sort(),
    ['dst-9', 'web'],
  );
  assert.deepEqual(
    fake
      .objects('/api/v1/namespaces')
      .map((ns) => ns.metadata.name)
      .sort(),
    ['default', 'other-run'],
  );
});

test('removeRunObjects with no run removes what every run left behind', async () => {
  fake.seed('/api/v1/namespaces', namespace('default'), {
    ...namespace('probe-ns'),
    metadata: { name: 'probe-ns', labels: { [RUN_LABEL]: 'r1' } },
  });
  fake.seed('/api/v1/pods', runPod('default', 'dst-1', 'r1'), runPod('default', 'dst-9', 'r2'));
  await cluster.removeRunObjects();
  const lists = fake.requests.filter((r) => r.method === 'GET');
  assert.equal(lists.length, 2);
  assert.ok(lists.every((r) => r.query.get('labelSelector') === RUN_LABEL));
  assert.deepEqual(fake.objects('/api/v1/pods'), []);
  assert.deepEqual(
    fake.objects('/api/v1/namespaces').map((ns) => ns.metadata.name),
    ['default'],
  );
});

test("removeAgent deletes the agent's namespace; one already gone (404) is fine, a 403 is not", async () => {
  fake.seed('/api/v1/namespaces', namespace(AGENT_NAMESPACE));
  await cluster.removeAgent();
  assert.deepEqual(fake.calls('DELETE'), [
    `DELETE /api/v1/namespaces/${AGENT_NAMESPACE}?gracePeriodSeconds=0`,
  ]);
  assert.deepEqual(fake.objects('/api/v1/namespaces'), []);
  await cluster.removeAgent();
  fake.intercept = () => failure(403, 'Forbidden', 'namespaces is forbidden');
  await assert.rejects(cluster.removeAgent(), {
    name: 'ClusterUnavailableError',
    message: `could not remove the agent on fake: delete Namespace ${AGENT_NAMESPACE}: namespaces is forbidden (Forbidden, HTTP 403)`,
  });
});

const cnpResource: ServedResource = {
  group: 'policy.networking.k8s.io',
  version: 'v1alpha2',
  plural: 'clusternetworkpolicies',
  kind: 'ClusterNetworkPolicy',
  namespaced: false,
};

/** The three CRDs of network-policy-api, in the versions the model reads. */
const POLICY_CRDS: readonly ServedResource[] = [
  cnpResource,
  { ...cnpResource, version: 'v1alpha1', plural: 'adminnetworkpolicies', kind: 'AdminNetworkPolicy' },
  {
    ...cnpResource,
    version: 'v1alpha1',
    plural: 'baselineadminnetworkpolicies',
    kind: 'BaselineAdminNetworkPolicy',
  },
];

/** Pods of namespaces labelled team=shop may not reach the nodes' addresses. */
const denyNodesFromShop: ApiObject = {
  apiVersion: 'policy.networking.k8s.io/v1alpha2',
  kind: 'ClusterNetworkPolicy',
  metadata: { name: 'no-nodes' },
  spec: {
    tier: 'Admin',
    priority: 10,
    subject: { namespaces: { matchLabels: { team: 'shop' } } },
    egress: [{ name: 'no-nodes', action: 'Deny', to: [{ networks: ['10.0.0.0/24'] }] }],
  },
};

function cilium(namespace: string, name: string): ApiObject {
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: { name, namespace },
    spec: { endpointSelector: {} },
  };
}

/** web-1 (shop, on node-a) to node-b's address on 10250. */
function webToNodeB(state: ClusterState): Parameters<PolicyEngine['verdict']>[0] {
  const web = state.pods.find((pod) => pod.name === 'web-1');
  assert.ok(web);
  return {
    source: { kind: 'pod', pod: web },
    destination: { kind: 'address', ip: '10.0.0.2' },
    port: 10250,
    protocol: 'TCP',
  };
}

/** A cluster on the fake that tells its notices: they are collected in order. */
function withNotices(): { cluster: KubeCluster; notices: ClusterNotice[] } {
  const notices: ClusterNotice[] = [];
  const telling = KubeCluster.connect({
    kubeconfig: fake.kubeconfig,
    onNotice: (notice) => notices.push(notice),
  });
  return { cluster: telling, notices };
}

/** A cluster with one app namespace, a namespace being deleted, and the agent's. */
function seedShop(): void {
  fake.seed(
    '/api/v1/namespaces',
    namespace('default'),
    namespace('shop', { team: 'shop' }),
    { ...namespace('leaving'), metadata: { name: 'leaving', deletionTimestamp: '2024-01-01T00:00:00Z' } },
    namespace(AGENT_NAMESPACE),
  );
  fake.seed('/api/v1/nodes', node('node-a'), node('node-b'));
  fake.seed(
    '/api/v1/pods',
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'shop',
        uid: 'web-1-uid',
        labels: { app: 'web' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true },
        ],
      },
      spec: {
        nodeName: 'node-a',
        containers: [
          { name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
        ],
      },
      status: { phase: 'Running', podIP: '10.244.1.5', conditions: [{ type: 'Ready', status: 'True' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-2', namespace: 'shop', labels: { app: 'web' } },
      spec: { containers: [] },
      status: { phase: 'Pending' },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'old', namespace: 'leaving' },
      spec: { containers: [] },
      status: { phase: 'Running', podIP: '10.244.1.9' },
    },
    agentPod('node-a'),
  );
  fake.seed('/api/v1/services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] },
  });
  fake.seed('/apis/networking.k8s.io/v1/networkpolicies', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-monitoring', namespace: 'shop' },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { team: 'ops' } },
              podSelector: { matchLabels: { type: 'monitoring' } },
            },
          ],
        },
      ],
    },
  });
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx' }] },
  };
  fake.seed('/apis/apps/v1/deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', uid: 'deploy-uid' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template },
  });
  fake.seed('/apis/apps/v1/replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-abc',
      namespace: 'shop',
      uid: 'rs-uid',
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'deploy-uid', controller: true },
      ],
    },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template },
  });
}

function namespace(name: string, labels: Record<string, string> = {}): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  };
}

function node(name: string): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { addresses: [{ type: 'InternalIP', address: name === 'node-a' ? '10.0.0.1' : '10.0.0.2' }] },
  };
}

function agentPod(nodeName: string): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `agent-${nodeName}`,
      namespace: AGENT_NAMESPACE,
      labels: { 'app.kubernetes.io/name': AGENT_NAME },
    },
    spec: { nodeName, containers: [{ name: 'agent', image: IMAGE }] },
    status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** A probe namespace `made` by one run, with the claims of `claimedBy`. */
function claimedNamespace(name: string, made: string, claimedBy: readonly string[]): ApiObject {
  const annotations = Object.fromEntries(claimedBy.map((run) => [`${CLAIM}${run}`, '2024-01-01T00:00:00Z']));
  return {
    ...namespace(name),
    metadata: { name, labels: { [RUN_LABEL]: made, [PROBE_LABEL]: 'namespace' }, annotations },
  };
}

function runPod(namespace: string, name: string, run: string): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { [RUN_LABEL]: run } },
    spec: { containers: [] },
  };
}

function notYetSeeded(pod: ApiObject): boolean {
  return !fake.objects('/api/v1/pods').some((o) => o.metadata.name === pod.metadata.name);
}

/** What a kubelet would do: every pod created so far Running and Ready, with an address. */
function startPods(): void {
  fake.objects('/api/v1/pods').forEach((pod, index) => {
    pod.spec = { ...(pod.spec as object), nodeName: 'node-a' };
    pod.status = {
      phase: 'Running',
      podIP: `10.244.0.${index + 1}`,
      conditions: [{ type: 'Ready', status: 'True' }],
    };
  });
}

function probeNamespace(name: string, labels: Record<string, string> = {}): Namespace {
  return { name, labels };
}

function probePod(namespace: string, name: string, labels: Record<string, string>, ports: Pod['ports']): Pod {
  return { namespace, name, labels, ips: [], hostNetwork: false, ports };
}

function bodiesOf(method: string, path: string): ApiObject[] {
  return fake.requests
    .filter((r: RecordedRequest) => r.method === method && r.path === path)
    .map((r) => r.body as ApiObject);
}

/** A port nothing listens on: bound, then closed again. */
