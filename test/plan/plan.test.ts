import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests, stateFromManifests } from '../../src/manifests/index.js';
import { planProbes } from '../../src/plan/index.js';
import type { ProbeEndpoint } from '../../src/plan/index.js';
import { parseSuiteText } from '../../src/suite/index.js';

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers:
    - name: web
      ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]
status: {podIP: 198.18.0.10}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {containers: [{name: c}]}
status: {podIP: 198.18.0.11}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`;

function plan(...assertions: string[]) {
  const { objects, errors } = parseManifests(MANIFESTS, 'cluster.yaml');
  assert.deepEqual(errors, []);
  const { state } = stateFromManifests(objects);
  const text = `apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: t}\nassertions:\n${assertions
    .map((a) => `  - ${JSON.stringify(a)}`)
    .join('\n')}\n`;
  const parsed = parseSuiteText(text, 't.yaml');
  assert.deepEqual(parsed.errors, []);
  return planProbes(parsed.suites, state);
}

function names(e: ProbeEndpoint): string {
  return e.kind === 'pod' ? `${e.pod.namespace}/${e.pod.name}` : e.ip;
}

test('an assertion expands to every source and destination pod, never pairing a pod with itself', () => {
  const planned = plan('from shop/* to shop/*:8080 expect allow');
  const pairs = planned.suites[0]?.assertions[0]?.pairs ?? [];
  assert.deepEqual(pairs.map((p) => `${names(p.source)}>${names(p.destination)}:${p.port}`).sort(), [
    'shop/client>shop/web:8080',
    'shop/web>shop/client:8080',
  ]);
});

test('identical pairs from different assertions are planned once', () => {
  const planned = plan(
    'from shop/app=client to shop/app=web:8080 expect allow',
    'from shop/* to shop/app=web:8080 expect allow',
  );
  assert.equal(planned.pairs.size, 1);
});

test('without a port, every declared port of the destination is probed with its own protocol', () => {
  const pairs =
    plan('from shop/app=client to shop/app=web expect allow').suites[0]?.assertions[0]?.pairs ?? [];
  assert.deepEqual(
    pairs.map((p) => `${p.port}/${p.protocol}`),
    ['8080/TCP', '53/UDP'],
  );
});

test('a named port resolves on the destination pod, by name and protocol', () => {
  const tcp = plan('from shop/app=client to shop/app=web:http expect allow').suites[0]?.assertions[0];
  assert.equal(tcp?.pairs[0]?.port, 8080);
  const wrongProtocol = plan('from shop/app=client to shop/app=web:http/udp expect allow').suites[0]
    ?.assertions[0];
  assert.deepEqual(wrongProtocol?.pairs, []);
  assert.match(wrongProtocol?.problems[0]?.message ?? '', /declares no UDP port named "http"/);
});

test("a Service's port is translated to each endpoint pod's targetPort", () => {
  const pairs =
    plan('from shop/app=client to svc:shop/web:80 expect allow').suites[0]?.assertions[0]?.pairs ?? [];
  assert.deepEqual(
    pairs.map((p) => `${names(p.destination)}:${p.port}`),
    ['shop/web:8080'],
  );
});

test('a source no pod matches becomes one synthetic pod with exactly the selector labels', () => {
  const planned = plan('from shop/app=batch,tier in (a,b) to shop/app=web:8080 expect deny');
  assert.equal(planned.syntheticPods.length, 1);
  assert.deepEqual(planned.syntheticPods[0]?.labels, { app: 'batch', tier: 'a' });
  assert.equal(planned.syntheticPods[0]?.role, 'source');
});

test('a namespace selector that matches no namespace gets a synthetic namespace with those labels', () => {
  const planned = plan('from {team=ops}/app=x to shop/app=web:8080 expect deny');
  assert.equal(planned.syntheticNamespaces.length, 1);
  assert.equal(planned.syntheticNamespaces[0]?.labels.team, 'ops');
  assert.equal(planned.syntheticPods[0]?.namespace, planned.syntheticNamespaces[0]?.name);
});

test('a namespace that exists is never shadowed by a probe namespace of the same name', () => {
  const planned = plan(
    'from {kubernetes.io/metadata.name=shop,team=other}/* to shop/app=web:8080 expect deny',
  );
  assert.deepEqual(planned.syntheticNamespaces, []);
  assert.match(
    planned.suites[0]?.assertions[0]?.problems[0]?.message ?? '',
    /namespace shop exists but its labels do not match/,
  );
});

test('a destination no pod matches needs a port number for its responder', () => {
  const named = plan('from shop/app=client to shop/app=ghost:http expect deny').suites[0]?.assertions[0];
  assert.match(named?.problems[0]?.message ?? '', /needs a port number/);
  const numbered = plan('from shop/app=client to shop/app=ghost:9000 expect deny');
  assert.deepEqual(numbered.syntheticPods[0]?.ports, [{ port: 9000, protocol: 'TCP' }]);
  assert.equal(numbered.syntheticPods[0]?.role, 'responder');
});

test('a CIDR destination is probed at its first host address', () => {
  const pair = plan('from shop/app=client to 203.0.113.0/24:443 expect deny').suites[0]?.assertions[0]
    ?.pairs[0];
  assert.equal(pair?.destination.kind === 'address' ? pair.destination.ip : undefined, '203.0.113.1');
});

test('a pod that does not exist is a problem, not a silent empty assertion', () => {
  const planned = plan('from pod:shop/nobody to shop/app=web:8080 expect allow').suites[0]?.assertions[0];
  assert.deepEqual(planned?.problems, [
    {
      code: 'POD_NOT_FOUND',
      message: 'pod shop/nobody not found',
      location: planned?.assertion.location,
    },
  ]);
});

test('namespace selectors match the namespace-name label even where the state omits it, as the engine does', () => {
  const parsed = parseSuiteText(
    'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: t}\nassertions:\n  - from {kubernetes.io/metadata.name=shop}/* to 198.51.100.7:443 expect allow\n',
    't.yaml',
  );
  const state = {
    namespaces: [{ name: 'shop', labels: {} }],
    pods: [{ namespace: 'shop', name: 'a', labels: {}, ips: ['198.18.0.1'], hostNetwork: false, ports: [] }],
    nodes: [],
    services: [],
    policies: [],
  };
  const planned = planProbes(parsed.suites, state);
  assert.deepEqual(planned.syntheticNamespaces, []);
  assert.deepEqual(
    planned.suites[0]?.assertions[0]?.pairs.map((p) => names(p.source)),
    ['shop/a'],
  );
});
