/**
 * A live run when part of the cluster fails, against the in-memory model cluster: an
 * agent whose exec is cut mid-batch, a node that is not Ready, a node whose agent never
 * becomes Ready. Each time the pairs that could not be observed are inconclusive with
 * the reason, never passed, and the pairs elsewhere are probed. The same faults, injected
 * in a real lab, are test/e2e/faults.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLive } from '../../src/probe/index.js';
import type { LiveRunOptions } from '../../src/probe/index.js';
import type { PairResult, RunResult } from '../../src/run/index.js';
import { parseSuiteText } from '../../src/suite/index.js';
import type { Suite } from '../../src/suite/index.js';
import { ModelCluster } from './model-cluster.js';

/** Three nodes, a client and a server on each; servers take http (8080) from clients only. */
const MANIFESTS = ['n0', 'n1', 'n2']
  .flatMap((node, index) => [
    `apiVersion: v1\nkind: Node\nmetadata: {name: ${node}}`,
    `apiVersion: v1
kind: Pod
metadata: {name: client-${index}, namespace: app, labels: {role: client, at: ${node}}}
spec: {nodeName: ${node}, containers: [{name: c, image: busybox}]}
status: {podIP: 10.0.${index}.1}`,
    `apiVersion: v1
kind: Pod
metadata: {name: server-${index}, namespace: app, labels: {role: server, at: ${node}}}
spec: {nodeName: ${node}, containers: [{name: s, image: nginx, ports: [{containerPort: 8080}, {containerPort: 9090}]}]}
status: {podIP: 10.0.${index}.2}`,
  ])
  .concat([
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: app}',
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: http-from-clients, namespace: app}
spec:
  podSelector: {matchLabels: {role: server}}
  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}], ports: [{port: 8080}]}]`,
  ])
  .join('\n---\n');

/** Each node's client to its own node's server: an allow and a deny per node. */
const SAME_NODE_SUITE = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: per-node}
assertions:
${[0, 1, 2]
  .flatMap((i) => [
    `  - from app/at=n${i},role=client to app/at=n${i},role=server:8080 expect allow`,
    `  - from app/at=n${i},role=client to app/at=n${i},role=server:9090 expect deny`,
  ])
  .join('\n')}
`;

function suitesOf(text: string): Suite[] {
  const { suites, errors } = parseSuiteText(text, 'suite.yaml');
  assert.deepEqual(errors, []);
  return suites;
}

function options(log: string[]): LiveRunOptions {
  return {
    image: 'agent:test',
    readyTimeoutMs: 1_000,
    settleSeconds: 0,
    keepAgent: false,
    log: (line) => log.push(line),
  };
}

function pairsOf(result: RunResult): PairResult[] {
  return result.suites.flatMap((s) => s.assertions).flatMap((a) => a.pairs);
}

/** The pairs whose source runs on node `nI` (its client, `app/client-I`), and the others. */
function bySourceNode(result: RunResult, node: string): { on: PairResult[]; elsewhere: PairResult[] } {
  const pairs = pairsOf(result);
  const on = pairs.filter((p) => p.source.display === `app/client-${node.slice(1)}`);
  return { on, elsewhere: pairs.filter((p) => !on.includes(p)) };
}

test('an agent whose exec is cut mid-batch: its unanswered pairs are inconclusive with why, the other nodes pass', async () => {
  const cluster = new ModelCluster(MANIFESTS, { cutAfter: { node: 'n1', answers: 1 } });
  const result = await runLive(suitesOf(SAME_NODE_SUITE), cluster, options([]));
  const { on, elsewhere } = bySourceNode(result, 'n1');
  assert.equal(on.length, 2);
  const unanswered = on.filter((p) => p.outcome !== 'pass');
  assert.ok(unanswered.length >= 1, 'the cut left a pair of n1 unanswered');
  for (const pair of unanswered) {
    assert.equal(pair.outcome, 'inconclusive');
    assert.deepEqual(pair.observations, ['error']);
    assert.match(
      pair.reason ?? '',
      /^the agent on n1 gave no answer \(its exec was cut\): the exec connection closed before the command ended$/,
    );
  }
  assert.equal(elsewhere.length, 4);
  assert.deepEqual(
    elsewhere.map((p) => p.outcome),
    ['pass', 'pass', 'pass', 'pass'],
  );
  assert.ok(cluster.events.includes('removeAgent'), 'the run still cleans up');
});

test('a node that is not Ready: pairs with a pod there are inconclusive with the node named; the others are probed', async () => {
  const down = 'node n2 is not reporting (NodeStatusUnknown: Kubelet stopped posting node status.)';
  const cluster = new ModelCluster(MANIFESTS, { notReadyNodes: { n2: down } });
  const log: string[] = [];
  const result = await runLive(suitesOf(SAME_NODE_SUITE), cluster, options(log));
  const { on, elsewhere } = bySourceNode(result, 'n2');
  assert.equal(on.length, 2);
  for (const pair of on) {
    assert.equal(pair.outcome, 'inconclusive');
    assert.equal(pair.reason, `the source pod's ${down}`);
  }
  assert.deepEqual(
    elsewhere.map((p) => p.outcome),
    ['pass', 'pass', 'pass', 'pass'],
  );
  assert.ok(!cluster.batches.some((b) => b.node === 'n2' && b.requests > 0), 'nothing is sent through n2');
  assert.ok(cluster.events.includes('wanted n0 n1'), 'the agent is awaited on n0 and n1 only');
  assert.ok(log.includes(`${down}: pairs of its pods are inconclusive`));
});

test('a destination on a node that is not Ready makes the pair inconclusive too, naming the destination', async () => {
  const down = 'node n0 is NotReady (KubeletNotReady: container runtime is down)';
  const suite = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: across}
assertions:
  - from app/at=n1,role=client to app/at=n0,role=server:8080 expect allow
  - from app/at=n1,role=client to app/at=n2,role=server:8080 expect allow
`;
  const cluster = new ModelCluster(MANIFESTS, { notReadyNodes: { n0: down } });
  const result = await runLive(suitesOf(suite), cluster, options([]));
  assert.deepEqual(
    pairsOf(result).map((p) => [p.outcome, p.reason]),
    [
      ['inconclusive', `the destination pod's ${down}`],
      ['pass', undefined],
    ],
  );
  assert.ok(cluster.events.includes('wanted n1 n2'));
});

test('the run waits for agents only where its pods run: a suite on n0 alone wants n0 alone', async () => {
  const suite = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: one-node}
assertions:
  - from app/at=n0,role=client to app/at=n0,role=server:8080 expect allow
`;
  const cluster = new ModelCluster(MANIFESTS, { agentsOn: ['n0'] });
  const log: string[] = [];
  const result = await runLive(suitesOf(suite), cluster, options(log));
  assert.deepEqual(
    pairsOf(result).map((p) => p.outcome),
    ['pass'],
  );
  assert.ok(cluster.events.includes('wanted n0'));
  assert.ok(!log.some((line) => line.startsWith('no agent Ready')), 'no node it needs went without');
});

test('a node the run needs whose agent never became Ready: its pairs are inconclusive, the log says so', async () => {
  const cluster = new ModelCluster(MANIFESTS, { agentsOn: ['n0', 'n2'] });
  const log: string[] = [];
  const result = await runLive(suitesOf(SAME_NODE_SUITE), cluster, options(log));
  const { on, elsewhere } = bySourceNode(result, 'n1');
  for (const pair of on) {
    assert.equal(pair.outcome, 'inconclusive');
    assert.equal(pair.reason, 'no agent is running on node n1');
  }
  assert.deepEqual(
    elsewhere.map((p) => p.outcome),
    ['pass', 'pass', 'pass', 'pass'],
  );
  assert.ok(log.includes('no agent Ready on node n1 after 1s: pairs probed through it are inconclusive'));
});
