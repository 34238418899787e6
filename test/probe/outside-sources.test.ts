/**
 * An address as a source in a live run: sent from the lab's outside host that has the
 * address (its namespace file, by the destination's agent), from no other address, and
 * on a cluster without outside hosts not at all, each pair that is not sent inconclusive
 * with the reason. The model cluster's agents record what they were asked to send; the
 * lab end to end test (test/e2e/outside-source.test.ts) sends it for real.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBatch } from '../../agent/protocol.js';
import type { ProbeRequest } from '../../agent/protocol.js';
import { NODE_SOURCE, OFFLINE_ONLY_SOURCE, runLive } from '../../src/probe/index.js';
import type { AgentPod, ExecResult, LiveRunOptions, OutsideSources } from '../../src/probe/index.js';
import type { RunResult } from '../../src/run/index.js';
import { parseSuiteText } from '../../src/suite/index.js';
import { ModelCluster } from './model-cluster.js';

const MANIFESTS = `
apiVersion: v1
kind: Node
metadata: {name: n0}
---
apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: app, labels: {app: web}}
spec: {nodeName: n1, containers: [{name: s, image: nginx, ports: [{containerPort: 80}]}]}
status: {podIP: 10.0.1.2}
`;

const SUITE = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: outside}
assertions:
  - from 203.0.113.10 to app/app=web:80 expect allow
  - from 198.51.100.99 to app/app=web:80 expect deny
`;

type ExecStdin = Parameters<ModelCluster['execInAgent']>[2];

/** The model cluster, keeping every probe request its agents were given, with the node. */
class RecordingCluster extends ModelCluster {
  readonly probes: { node: string; request: ProbeRequest }[] = [];

  override execInAgent(
    agent: AgentPod,
    argv: readonly string[],
    stdin: ExecStdin,
    onStdout?: (text: string) => void,
  ): Promise<ExecResult> {
    return super.execInAgent(agent, argv, this.tee(agent.nodeName, stdin), onStdout);
  }

  /** Stdin as it was, read along: its first line is the batch. */
  private tee(node: string, stdin: ExecStdin): ExecStdin {
    const record = (text: string): void => {
      const decoded = decodeBatch(text.split('\n')[0] ?? '');
      if (decoded.ok)
        for (const request of decoded.value.requests)
          if (request.kind === 'probe') this.probes.push({ node, request });
    };
    if (typeof stdin === 'string' || stdin instanceof Promise)
      return Promise.resolve(stdin).then((text) => (record(text), text));
    return (async function* () {
      let head: string | undefined = '';
      for await (const chunk of stdin) {
        if (head !== undefined && (head += chunk).includes('\n')) {
          record(head);
          head = undefined;
        }
        yield chunk;
      }
      if (head !== undefined) record(head);
    })();
  }
}

const LAB_HOSTS: OutsideSources = {
  owner: "lab 'x'",
  list: async () => [{ name: 'internet', address: '203.0.113.10', netnsPath: '/run/netns/npa-x-x-internet' }],
};

function options(outsideSources?: OutsideSources): LiveRunOptions {
  return {
    image: 'agent:test',
    readyTimeoutMs: 1_000,
    settleSeconds: 0,
    keepAgent: false,
    ...(outsideSources ? { outsideSources } : {}),
  };
}

async function run(
  outsideSources?: OutsideSources,
): Promise<{ cluster: RecordingCluster; result: RunResult }> {
  const { suites, errors } = parseSuiteText(SUITE, 'suite.yaml');
  assert.deepEqual(errors, []);
  const cluster = new RecordingCluster(MANIFESTS);
  return { cluster, result: await runLive(suites, cluster, options(outsideSources)) };
}

function reasons(result: RunResult): (string | undefined)[] {
  return result.suites.flatMap((s) => s.assertions.flatMap((a) => a.pairs.map((p) => p.reason)));
}

test("in the lab, an outside host's address is sent from inside that host, by the destination's agent", async () => {
  const { cluster } = await run(LAB_HOSTS);
  const fromOutside = cluster.probes.filter((p) => p.request.source.kind === 'netns');
  assert.deepEqual(
    fromOutside.map((p) => [p.node, p.request.source, p.request.ip, p.request.port]),
    [['n1', { kind: 'netns', path: '/run/netns/npa-x-x-internet' }, '10.0.1.2', 80]],
  );
  // The destination's own listener check, from inside it: the only other request.
  assert.deepEqual(
    cluster.probes
      .filter((p) => p.request.source.kind !== 'netns')
      .map((p) => [p.node, p.request.source.kind]),
    [['n1', 'pod']],
  );
});

test('in the lab, an address no outside host has is sent from nowhere: inconclusive, saying why', async () => {
  const { cluster, result } = await run(LAB_HOSTS);
  assert.equal(cluster.probes.filter((p) => p.request.source.kind === 'netns').length, 1);
  const [, other] = result.suites[0]?.assertions ?? [];
  assert.equal(other?.outcome, 'inconclusive');
  assert.deepEqual(
    other?.pairs.map((p) => p.reason),
    [
      "198.51.100.99 is not one of lab 'x''s outside hosts (internet 203.0.113.10): " +
        'a probe is sent only from an outside host with that address',
    ],
  );
});

test('on a cluster without outside hosts nothing is sent for an address as a source, and the report says why', async () => {
  const { cluster, result } = await run();
  assert.deepEqual(
    cluster.probes.map((p) => p.request.source.kind),
    [],
  );
  assert.deepEqual(
    result.suites[0]?.assertions.map((a) => a.outcome),
    ['inconclusive', 'inconclusive'],
  );
  assert.deepEqual(reasons(result), [OFFLINE_ONLY_SOURCE, OFFLINE_ONLY_SOURCE]);
});

test('the outside hosts are asked for only when an address is a source', async () => {
  let asked = 0;
  const counting: OutsideSources = { ...LAB_HOSTS, list: () => (asked++, LAB_HOSTS.list()) };
  const { suites } = parseSuiteText(
    'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: s}\nassertions: [from app/app=web to 203.0.113.10:80 expect deny]\n',
    'suite.yaml',
  );
  await runLive(suites, new RecordingCluster(MANIFESTS), options(counting));
  assert.equal(asked, 0);
  await run(counting);
  assert.equal(asked, 1);
});

test('a node as a source is no outside host, in the lab neither: judged offline only, saying so', async () => {
  const { suites } = parseSuiteText(
    'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: s}\nassertions: [from node:n0 to app/app=web:80 expect allow]\n',
    'suite.yaml',
  );
  for (const sources of [LAB_HOSTS, undefined]) {
    const cluster = new RecordingCluster(MANIFESTS);
    const result = await runLive(suites, cluster, options(sources));
    assert.deepEqual(cluster.probes, []);
    assert.deepEqual(reasons(result), [NODE_SOURCE]);
  }
});
