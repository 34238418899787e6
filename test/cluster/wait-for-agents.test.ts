/**
 * The agent is awaited only where a run can use it: never on a node that is not Ready,
 * and, once the run names the nodes it probes through, on those only. A needed node
 * whose agent is late is left out when the time is up; none at all is exit 3. KubeCluster
 * against the fake API server, nodes and agent pods seeded as a kubelet would leave them.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { ClusterUnavailableError, KubeCluster } from '../../src/cluster/index.js';
import { nodeNotReadyReason } from '../../src/cluster/node-readiness.js';
import { FakeApiServer } from './fake-api-server.js';
import type { ApiObject } from './fake-api-server.js';

const AGENT_NAMESPACE = 'netpol-assert-system';
const AGENT_NAME = 'netpol-assert-agent';
const IMAGE = 'registry.example/agent:test';

let fake: FakeApiServer;
let cluster: KubeCluster;
beforeEach(async () => {
  fake = await FakeApiServer.start();
  cluster = KubeCluster.connect({ kubeconfig: fake.kubeconfig, retryForMs: 0 });
  // The agent is installed already: these tests are about the wait.
  fake.seed('/apis/apps/v1/daemonsets', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: AGENT_NAME, namespace: AGENT_NAMESPACE },
  });
});
afterEach(async () => {
  await fake.stop();
});

const KUBELET_STOPPED = {
  type: 'Ready',
  status: 'Unknown',
  reason: 'NodeStatusUnknown',
  message: 'Kubelet stopped posting node status.',
};

test('a node is Ready by its Ready condition; otherwise the reason says how it is not', () => {
  assert.equal(nodeNotReadyReason(node('a', { type: 'Ready', status: 'True' })), undefined);
  assert.equal(
    nodeNotReadyReason(node('b', KUBELET_STOPPED)),
    'node b is not reporting (NodeStatusUnknown: Kubelet stopped posting node status.)',
  );
  assert.equal(
    nodeNotReadyReason(node('c', { type: 'Ready', status: 'False', reason: 'KubeletNotReady' })),
    'node c is NotReady (KubeletNotReady)',
  );
  assert.equal(
    nodeNotReadyReason(node('d')),
    'node d has never reported Ready (no kubelet has registered it)',
  );
});

test('snapshot names the nodes that are not Ready, with why', async () => {
  fake.seed('/api/v1/nodes', node('a', { type: 'Ready', status: 'True' }), node('b', KUBELET_STOPPED));
  const snapshot = await cluster.snapshot();
  assert.deepEqual(
    [...(snapshot.notReadyNodes ?? new Map())],
    [['b', 'node b is not reporting (NodeStatusUnknown: Kubelet stopped posting node status.)']],
  );
});

test('ensureAgent does not wait for the agent of a node that is not Ready', async () => {
  fake.seed('/api/v1/nodes', node('a', { type: 'Ready', status: 'True' }), node('b', KUBELET_STOPPED));
  fake.seed('/api/v1/pods', agentPod('a', true), agentPod('b', false));
  const started = Date.now();
  const agents = await cluster.ensureAgent('run1', IMAGE, 20_000);
  assert.deepEqual([...agents.keys()], ['a']);
  assert.ok(Date.now() - started < 5_000, 'at once, not after the 20 s ready timeout');
});

test('ensureAgent waits for the nodes the run names only, once it names them', async () => {
  const ready = { type: 'Ready', status: 'True' };
  fake.seed('/api/v1/nodes', node('a', ready), node('b', ready));
  // b's agent never becomes Ready (its image pulls, its node is Ready: it is just slow).
  fake.seed('/api/v1/pods', agentPod('a', true), agentPod('b', false));
  let name: (nodes: ReadonlySet<string>) => void = () => undefined;
  const wanted = new Promise<ReadonlySet<string>>((resolve) => (name = resolve));
  const started = Date.now();
  const waiting = cluster.ensureAgent('run1', IMAGE, 20_000, wanted);
  setTimeout(() => name(new Set(['a'])), 300);
  const agents = await waiting;
  assert.deepEqual([...agents.keys()], ['a']);
  const took = Date.now() - started;
  assert.ok(took >= 250 && took < 5_000, `until the run named its nodes (${took} ms), not the timeout`);
});

test('a needed node whose agent is late is left out when the time is up; with none at all it is exit 3', async () => {
  const ready = { type: 'Ready', status: 'True' };
  fake.seed('/api/v1/nodes', node('a', ready), node('b', ready));
  fake.seed('/api/v1/pods', agentPod('a', true), agentPod('b', false));
  const agents = await cluster.ensureAgent('run1', IMAGE, 600, Promise.resolve(new Set(['a', 'b'])));
  assert.deepEqual([...agents.keys()], ['a']);

  await assert.rejects(
    cluster.ensureAgent('run2', IMAGE, 600, Promise.resolve(new Set(['b']))),
    (error: unknown) =>
      error instanceof ClusterUnavailableError &&
      /agent pods not Ready after 1s on any of b/.test(error.message),
  );
});

function node(name: string, ready?: Record<string, string>): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: { conditions: ready === undefined ? [] : [ready] },
  };
}

function agentPod(nodeName: string, ready: boolean): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `agent-${nodeName}`,
      namespace: AGENT_NAMESPACE,
      labels: { 'app.kubernetes.io/name': AGENT_NAME },
    },
    spec: { nodeName, containers: [{ name: 'agent', image: IMAGE }] },
    status: ready
      ? { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] }
      : { phase: 'Pending' },
  };
}
