import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunInterrupted, runLive } from '../../src/probe/index.js';
import type { LiveRunOptions } from '../../src/probe/index.js';
import type { RunResult } from '../../src/run/index.js';
import { parseSuiteText } from '../../src/suite/index.js';
import type { Suite } from '../../src/suite/index.js';
import { ModelCluster } from './model-cluster.js';

/** Two nodes; in `app`, a client and two servers behind default-deny-ingress, http open to the client. */
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
metadata: {name: client, namespace: app, labels: {role: client}}
spec: {nodeName: n0, containers: [{name: c, image: busybox}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: server-0, namespace: app, labels: {role: server}}
spec:
  nodeName: n0
  containers: [{name: s, image: nginx, ports: [{name: http, containerPort: 8080}, {containerPort: 9090}]}]
status: {podIP: 10.0.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: server-1, namespace: app, labels: {role: server}}
spec:
  nodeName: n1
  containers: [{name: s, image: nginx, ports: [{name: http, containerPort: 8080}, {containerPort: 9090}]}]
status: {podIP: 10.0.1.2}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: app}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: http-from-clients, namespace: app}
spec:
  podSelector: {matchLabels: {role: server}}
  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}], ports: [{port: http}]}]
`;

const EXISTING_PODS_SUITE = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: existing}
assertions:
  - from app/role=client to app/role=server:8080 expect allow
  - from app/role=client to app/role=server:9090 expect deny
`;

function suitesOf(text: string): Suite[] {
  const { suites, errors } = parseSuiteText(text, 'suite.yaml');
  assert.deepEqual(errors, []);
  return suites;
}

function options(overrides: Partial<LiveRunOptions> = {}): LiveRunOptions {
  return {
    image: 'agent:test',
    readyTimeoutMs: 1_000,
    settleSeconds: 0,
    keepAgent: false,
    ...overrides,
  };
}

function outcomes(result: RunResult): string[] {
  return result.suites.flatMap((s) => s.assertions.map((a) => `${a.assertion.expect} ${a.outcome}`));
}

test('a run whose pods all exist creates no run objects and removes none, then removes the agent', async () => {
  const cluster = new ModelCluster(MANIFESTS);
  const result = await runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options());
  assert.deepEqual(outcomes(result), ['allow pass', 'deny pass']);
  assert.equal(result.suites[0]?.assertions[0]?.pairs.length, 2);
  assert.ok(
    !cluster.events.some((e) => e.startsWith('createRunObjects') || e.startsWith('removeRunObjects')),
  );
  assert.equal(cluster.events.at(-1), 'removeAgent');
});

test('the agent is found and its execs opened while the cluster is still being read', async () => {
  const cluster = new ModelCluster(MANIFESTS, { snapshotMs: 30 });
  await runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options());
  const at = (event: string) => cluster.events.indexOf(event);
  assert.ok(at('ensureAgent') < at('snapshot:end'), cluster.events.join(', '));
  assert.ok(at('exec:open n0') < at('snapshot:end'), cluster.events.join(', '));
  assert.ok(at('exec:open n1') < at('snapshot:end'), cluster.events.join(', '));
});

test('each node gets one batch: its sources probes and its destinations listener checks', async () => {
  const cluster = new ModelCluster(MANIFESTS);
  await runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options());
  // The client on n0 probes 2 servers × 2 ports; each server checks its 2 ports on its own node.
  assert.deepEqual(
    [...cluster.batches].sort((a, b) => a.node.localeCompare(b.node)),
    [
      { node: 'n0', requests: 6 },
      { node: 'n1', requests: 2 },
    ],
  );
});

test('a node with an agent but nothing to probe gets an empty batch, so its exec ends', async () => {
  const cluster = new ModelCluster(MANIFESTS);
  const suite = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: one-node}
assertions: [from pod:app/client to pod:app/server-0:8080 expect allow]
`;
  const result = await runLive(suitesOf(suite), cluster, options());
  assert.deepEqual(outcomes(result), ['allow pass']);
  assert.deepEqual(
    cluster.batches.find((b) => b.node === 'n1'),
    { node: 'n1', requests: 0 },
  );
});

test('answers split across output chunks anywhere are read whole', async () => {
  for (const chunkLength of [1, 7, 64]) {
    const cluster = new ModelCluster(MANIFESTS, { chunkLength });
    const result = await runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options());
    assert.deepEqual(outcomes(result), ['allow pass', 'deny pass'], `chunks of ${chunkLength}`);
  }
});

test('a source with no pod gets a probe pod of the agent image for the run, which the run removes', async () => {
  const cluster = new ModelCluster(MANIFESTS);
  const suite = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: synthetic}
assertions: [from app/role=stranger to app/role=server:8080 expect deny]
`;
  const result = await runLive(suitesOf(suite), cluster, options());
  assert.deepEqual(outcomes(result), ['deny pass']);
  const created = cluster.events.find((e) => e.startsWith('createRunObjects'));
  const runId = created?.split(' ')[1]?.replace(':', '');
  assert.match(created ?? '', /app\/npa-\S+ \(agent:test\)$/);
  assert.ok(cluster.events.includes(`removeRunObjects ${runId}`), cluster.events.join(', '));
});

test('with keepAgent the agent stays installed: the run only takes its claim off', async () => {
  const cluster = new ModelCluster(MANIFESTS);
  await runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options({ keepAgent: true }));
  assert.ok(!cluster.events.includes('removeAgent'));
  assert.equal(cluster.events.at(-1), 'releaseAgent');
});

test('an agent that stops answering leaves the rest inconclusive with its reason, never passed', async () => {
  const cluster = new ModelCluster(MANIFESTS, { bailAfter: 1 });
  const result = await runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options());
  const pairs = result.suites.flatMap((s) => s.assertions).flatMap((a) => a.pairs);
  const unanswered = pairs.filter((p) => p.observations[0] === 'error');
  assert.ok(unanswered.length > 0);
  for (const pair of unanswered) {
    assert.equal(pair.outcome, 'inconclusive');
    assert.match(pair.reason ?? '', /gave no answer \(exit 1\): the agent bailed out: the helper died/);
  }
});

test('a run that cannot read the cluster still closes the agent sessions and removes the agent, and fails with the read error', async () => {
  const cluster = new ModelCluster(MANIFESTS, {
    snapshotFails: 'the API server is gone',
    removeAgentFails: 'still gone',
  });
  const logged: string[] = [];
  await assert.rejects(
    runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options({ log: (line) => logged.push(line) })),
    /the API server is gone/,
  );
  assert.deepEqual(
    cluster.batches.map((b) => b.requests),
    [0, 0],
  );
  assert.ok(cluster.events.includes('removeAgent'));
  assert.ok(logged.some((line) => /could not remove everything this run made: still gone/.test(line)));
});

test('the run says it is cleaning up before it removes anything: the marker a killed cleanup is found by', async () => {
  const cluster = new ModelCluster(MANIFESTS);
  const suite = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: synthetic}
assertions: [from app/role=stranger to app/role=server:8080 expect deny]
`;
  await runLive(suitesOf(suite), cluster, options({ log: (line) => cluster.events.push(`log ${line}`) }));
  const marker = cluster.events.findIndex((e) => /^log cleaning up run [0-9a-f]{8}$/.test(e));
  const removed = cluster.events.findIndex((e) => e.startsWith('removeRunObjects'));
  assert.ok(marker >= 0 && removed > marker, cluster.events.join(', '));
  assert.ok(cluster.events.indexOf('removeAgent') > marker);
});

test('each step logs what it did and how long it took', async () => {
  const cluster = new ModelCluster(MANIFESTS);
  const logged: string[] = [];
  await runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options({ log: (line) => logged.push(line) }));
  for (const step of [
    /^read the cluster: 3 running pod\(s\)/,
    /^agent ready on 2 node\(s\)/,
    /^probed: 4 pair\(s\)/,
  ]) {
    const line = logged.find((l) => step.test(l));
    assert.match(line ?? `nothing like ${step}`, /\(\d+ ms\)$/);
  }
});

test('a run interrupted while reading the cluster stops with RunInterrupted after closing the sessions and removing the agent', async () => {
  const cluster = new ModelCluster(MANIFESTS, { snapshotMs: 30 });
  const interrupt = new AbortController();
  setTimeout(() => interrupt.abort('SIGINT'), 5);
  await assert.rejects(
    runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options(), interrupt.signal),
    RunInterrupted,
  );
  assert.deepEqual(
    cluster.batches.map((b) => b.requests),
    [0, 0],
  );
  assert.equal(cluster.events.at(-1), 'removeAgent');
});

const STRANGER_SUITE = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: synthetic}
assertions: [from app/role=stranger to app/role=server:8080 expect deny]
`;

test('a run whose probe pods are Ready soon sends its batches through the execs it opened early', async () => {
  const cluster = new ModelCluster(MANIFESTS, { snapshotMs: 20 });
  const result = await runLive(suitesOf(STRANGER_SUITE), cluster, options());
  assert.deepEqual(outcomes(result), ['deny pass']);
  const created = cluster.events.findIndex((e) => e.startsWith('createRunObjects'));
  const opens = cluster.events.flatMap((e, index) => (e.startsWith('exec:open') ? [index] : []));
  // The agents' start stays off the probing: no exec is opened after the pods.
  assert.equal(opens.length, 2, cluster.events.join(', '));
  assert.ok(
    opens.every((index) => index < created),
    cluster.events.join(', '),
  );
  assert.ok(cluster.batches.some((b) => b.requests > 0));
});

test('a run that waits for probe pods longer than an exec may sit idle ends the early execs and opens new ones', async () => {
  const cluster = new ModelCluster(MANIFESTS, { snapshotMs: 20 });
  const result = await runLive(suitesOf(STRANGER_SUITE), cluster, options({ execIdleLimitMs: 0 }));
  assert.deepEqual(outcomes(result), ['deny pass']);
  const created = cluster.events.findIndex((e) => e.startsWith('createRunObjects'));
  const opens = cluster.events.flatMap((e, index) => (e.startsWith('exec:open') ? [index] : []));
  assert.equal(opens.length, 4, cluster.events.join(', '));
  assert.ok(
    opens.slice(0, 2).every((index) => index < created),
    cluster.events.join(', '),
  );
  assert.ok(
    opens.slice(2).every((index) => index > created),
    cluster.events.join(', '),
  );
  const [early, late] = [cluster.batches.slice(0, 2), cluster.batches.slice(2)];
  assert.deepEqual(
    early.map((b) => b.requests),
    [0, 0],
  );
  assert.ok(late.some((b) => b.requests > 0));
});

test('Ctrl-C while probes are in flight starts cleanup at once, without waiting for their timeouts', async () => {
  let finishProbes = (): void => undefined;
  const probesInFlight = new Promise<void>((resolve) => {
    finishProbes = resolve;
  });
  const cluster = new ModelCluster(MANIFESTS, { probesInFlight });
  const interrupt = new AbortController();
  const running = runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options(), interrupt.signal);
  while (!cluster.events.some((e) => /^exec:batch .* [1-9]/.test(e)))
    await new Promise((r) => setTimeout(r, 1));
  interrupt.abort('SIGINT');
  await assert.rejects(running, RunInterrupted);
  assert.equal(
    cluster.events.some((e) => e.startsWith('exec:answered')),
    false,
    'cleaned up before any answer',
  );
  assert.ok(cluster.events.includes('removeAgent'));
  finishProbes();
});

test('with --settle a pair that disagrees is probed again until it agrees, and says after how long', async () => {
  // The first round of batches sees no policy yet: the deny pairs connect.
  const cluster = new ModelCluster(MANIFESTS, { policiesLateBatches: 2 });
  const logged: string[] = [];
  const result = await runLive(
    suitesOf(EXISTING_PODS_SUITE),
    cluster,
    options({ settleSeconds: 5, log: (line) => logged.push(line) }),
  );
  assert.deepEqual(outcomes(result), ['allow pass', 'deny pass']);
  const [allow, deny] = result.suites[0]?.assertions ?? [];
  assert.deepEqual(
    allow?.pairs.map((p) => p.settledAfterSeconds),
    [undefined, undefined],
  );
  for (const pair of deny?.pairs ?? []) {
    assert.deepEqual(pair.observations, ['timeout']);
    assert.ok((pair.settledAfterSeconds ?? 0) >= 0.5, `settled after ${pair.settledAfterSeconds}`);
  }
  assert.ok(
    logged.some((line) => /^settling: 2 pair\(s\) still disagree/.test(line)),
    logged.join('\n'),
  );
  // The retry probed only the two deny pairs again, with their listener checks.
  assert.deepEqual(
    cluster.batches
      .slice(-2)
      .map((b) => b.requests)
      .sort(),
    [1, 3],
  );
});

test('without --settle a disagreeing pair is judged as first seen, and the report names the model verdict', async () => {
  const cluster = new ModelCluster(MANIFESTS, { policiesLateBatches: 2 });
  const result = await runLive(suitesOf(EXISTING_PODS_SUITE), cluster, options());
  assert.deepEqual(outcomes(result), ['allow pass', 'deny fail']);
  const [allow, deny] = result.suites[0]?.assertions ?? [];
  assert.ok(
    allow?.pairs.every((p) => p.verdict === undefined),
    'a passing pair carries no verdict',
  );
  for (const pair of deny?.pairs ?? []) {
    assert.equal(pair.reason, 'observed allow: connected');
    assert.equal(pair.verdict?.allowed, false, 'the model says deny');
    assert.deepEqual(
      pair.verdict?.ingress.isolatedBy.map((p) => p.name),
      ['default-deny-ingress', 'http-from-clients'],
    );
  }
  assert.deepEqual(
    result.policies.map((p) => p.ref.name),
    ['default-deny-ingress', 'http-from-clients'],
  );
});

test('assertions reach the report in plan order as they are judged, with the durations the agent measured', async () => {
  const cluster = new ModelCluster(MANIFESTS);
  const events: string[] = [];
  const result = await runLive(
    suitesOf(EXISTING_PODS_SUITE),
    cluster,
    options({
      progress: {
        onPlan: (outline) => events.push(`plan ${outline.mode} ${outline.target} ${outline.suites.length}`),
        onAssertion: (judged, at) => events.push(`assertion ${at.suite}.${at.assertion} ${judged.outcome}`),
        onSuite: (judged, index) => events.push(`suite ${index} ${judged.assertions.length}`),
      },
    }),
  );
  assert.deepEqual(events, ['plan run model 1', 'assertion 0.0 pass', 'assertion 0.1 pass', 'suite 0 2']);
  // Every probe answers in 1 ms (the agent's own timing); pairs go out side by side.
  assert.deepEqual(
    result.suites[0]?.assertions.map((a) => a.durationMs),
    [1, 1],
  );
  assert.equal(result.suites[0]?.durationMs, 1);
  assert.ok(result.durationMs > 0);
});

/** A silent UDP server on n1 that admits `app` only; clients on n0 (other node) and n1 (same node). */
const UDP_MANIFESTS = `
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
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: syslog, namespace: app, labels: {role: syslog}}
spec:
  nodeName: n1
  containers: [{name: s, image: silent-udp, ports: [{containerPort: 5140, protocol: UDP}]}]
status: {podIP: 10.0.1.9}
---
apiVersion: v1
kind: Pod
metadata: {name: far, namespace: app, labels: {role: client}}
spec: {nodeName: n0, containers: [{name: c, image: busybox}]}
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: near, namespace: app, labels: {role: client}}
spec: {nodeName: n1, containers: [{name: c, image: busybox}]}
status: {podIP: 10.0.1.1}
---
apiVersion: v1
kind: Pod
metadata: {name: far, namespace: other, labels: {role: client}}
spec: {nodeName: n0, containers: [{name: c, image: busybox}]}
status: {podIP: 10.0.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: near, namespace: other, labels: {role: client}}
spec: {nodeName: n1, containers: [{name: c, image: busybox}]}
status: {podIP: 10.0.1.2}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-app, namespace: app}
spec:
  podSelector: {matchLabels: {role: syslog}}
  ingress: [{from: [{podSelector: {}}]}]
`;

const UDP_SUITE = `
apiVersion: netpol-assert/v1
kind: Suite
metadata: {name: udp}
assertions:
  - from pod:app/near to app/role=syslog:5140/udp expect allow
  - from pod:app/far to app/role=syslog:5140/udp expect allow
  - from pod:other/near to app/role=syslog:5140/udp expect deny
  - from pod:other/far to app/role=syslog:5140/udp expect deny
  - from pod:other/far to app/role=syslog:5141/udp expect deny
  - from pod:app/far to app/role=syslog:5141/udp expect allow
`;

test(
  'UDP to a pod is proven by capture: seen is allow, unseen at a listening port deny, at a closed one inconclusive',
  { timeout: 20_000 },
  async () => {
    for (const chunkLength of [undefined, 5]) {
      const cluster = new ModelCluster(UDP_MANIFESTS, chunkLength === undefined ? {} : { chunkLength });
      const result = await runLive(suitesOf(UDP_SUITE), cluster, options());
      assert.deepEqual(outcomes(result), [
        'allow pass',
        'allow pass',
        'deny pass',
        'deny pass',
        'deny inconclusive',
        'allow inconclusive',
      ]);
      const pairs = result.suites.flatMap((s) => s.assertions.flatMap((a) => a.pairs));
      // The silent server never echoes: `connected` can only be the capture. Port 5141 is
      // closed: not seen, a timeout no listener explains; seen, the closed port's refusal.
      assert.deepEqual(
        pairs.map((p) => p.observations.join()),
        ['connected', 'connected', 'timeout', 'timeout', 'timeout', 'refused'],
      );
      assert.match(pairs[4]?.reason ?? '', /no listener on the destination port/);
      assert.match(pairs[5]?.reason ?? '', /^nothing listens on the destination port: the datagram arrived/);
      // n1 holds every capture, its own sources' sends and both listener checks; n0's four
      // sends are held in its one batch until n1 listens: one exec per node.
      assert.deepEqual(cluster.batches.map((b) => `${b.node} ${b.requests}`).sort(), ['n0 4', 'n1 10']);
      const at = (event: string) => cluster.events.indexOf(event);
      assert.ok(
        at('exec:ready n1') >= 0 && at('exec:ready n1') < at('exec:go n0'),
        cluster.events.join(', '),
      );
      // Each capture is stopped once its sender answered: without that a deny's capture never ends here.
      assert.equal(cluster.events.filter((e) => e.startsWith('exec:stop n1 ')).length, 6);
    }
  },
);
