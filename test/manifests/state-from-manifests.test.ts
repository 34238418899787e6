import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseManifests, readManifests, stateFromManifests } from '../../src/manifests/index.js';
import type { StateFromManifests } from '../../src/manifests/index.js';
import type { ClusterState, Pod } from '../../src/policy/cluster.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

function stateOf(yaml: string): StateFromManifests {
  const parsed = parseManifests(yaml, 'test.yaml');
  assert.deepEqual(parsed.errors, []);
  return stateFromManifests(parsed.objects);
}

function cleanStateOf(yaml: string): ClusterState {
  const { state, errors } = stateOf(yaml);
  assert.deepEqual(errors, []);
  return state;
}

function pod(state: ClusterState, namespace: string, name: string): Pod {
  const found = state.pods.find((p) => p.namespace === namespace && p.name === name);
  assert.ok(found, `no pod ${namespace}/${name} among ${state.pods.map((p) => p.name).join(', ')}`);
  return found;
}

function isSynthetic(address: string | undefined): boolean {
  return address !== undefined && /^198\.1[89]\.\d+\.\d+$/.test(address);
}

const WEB_DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: 3
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, ports: [{ name: http, containerPort: 8080 }] }]
`;

test('every namespace carries kubernetes.io/metadata.name, whatever its manifest says', () => {
  const state = cleanStateOf(`
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { team: payments, kubernetes.io/metadata.name: wrong }
`);
  assert.deepEqual(state.namespaces, [
    { name: 'shop', labels: { team: 'payments', 'kubernetes.io/metadata.name': 'shop' } },
  ]);
});

test('a namespace that objects live in but nobody declared exists with only its name label', () => {
  const state = cleanStateOf(WEB_DEPLOYMENT);
  assert.deepEqual(state.namespaces, [{ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } }]);
});

test('an object without a namespace lives in default', () => {
  const state = cleanStateOf('apiVersion: v1\nkind: Pod\nmetadata: { name: lone }\n');
  assert.equal(state.pods[0]?.namespace, 'default');
  assert.deepEqual(
    state.namespaces.map((n) => n.name),
    ['default'],
  );
});

test('a node keeps its labels, gains the hostname label, and lists InternalIP before ExternalIP', () => {
  const state = cleanStateOf(`
apiVersion: v1
kind: Node
metadata: { name: node-a, labels: { role: edge } }
status:
  addresses:
    - { type: Hostname, address: node-a }
    - { type: ExternalIP, address: 203.0.113.10 }
    - { type: InternalIP, address: 10.0.0.10 }
`);
  assert.deepEqual(state.nodes, [
    {
      name: 'node-a',
      labels: { 'kubernetes.io/hostname': 'node-a', role: 'edge' },
      addresses: ['10.0.0.10', '203.0.113.10'],
    },
  ]);
});

test('a node without addresses gets a synthetic one from 198.19.255.0/24', () => {
  const state = cleanStateOf('apiVersion: v1\nkind: Node\nmetadata: { name: node-b }\n');
  assert.match(state.nodes[0]?.addresses[0] ?? '', /^198\.19\.255\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])$/);
});

test('a pod keeps its labels, status address, node and container ports (TCP unless stated)', () => {
  const state = cleanStateOf(`
apiVersion: v1
kind: Pod
metadata: { name: api, namespace: shop, labels: { app: api } }
spec:
  nodeName: node-a
  containers:
    - name: api
      ports:
        - { name: http, containerPort: 8080 }
        - { containerPort: 53, protocol: UDP }
  initContainers:
    - { name: setup, ports: [{ containerPort: 1111 }] }
    - { name: proxy, restartPolicy: Always, ports: [{ name: proxy, containerPort: 15001 }] }
status:
  podIP: 10.244.0.5
`);
  assert.deepEqual(pod(state, 'shop', 'api'), {
    namespace: 'shop',
    name: 'api',
    labels: { app: 'api' },
    ips: ['10.244.0.5'],
    nodeName: 'node-a',
    hostNetwork: false,
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { port: 53, protocol: 'UDP' },
      { name: 'proxy', port: 15001, protocol: 'TCP' },
    ],
  });
});

test('status.podIPs gives every address of a dual-stack pod', () => {
  const state = cleanStateOf(`
apiVersion: v1
kind: Pod
metadata: { name: dual }
status:
  podIP: 10.244.1.8
  podIPs: [{ ip: 10.244.1.8 }, { ip: 'fd00::8' }]
`);
  assert.deepEqual(pod(state, 'default', 'dual').ips, ['10.244.1.8', 'fd00::8']);
});

test('a node that a pod is scheduled on exists even if undeclared', () => {
  const state = cleanStateOf(
    'apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec: { nodeName: worker-1 }\n',
  );
  assert.equal(state.nodes[0]?.name, 'worker-1');
  assert.deepEqual(state.nodes[0]?.labels, { 'kubernetes.io/hostname': 'worker-1' });
});

test('a hostNetwork pod takes the addresses of its node', () => {
  const state = cleanStateOf(`
apiVersion: v1
kind: Node
metadata: { name: node-a }
status: { addresses: [{ type: InternalIP, address: 10.0.0.10 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: exporter, namespace: monitoring }
spec: { nodeName: node-a, hostNetwork: true }
---
apiVersion: v1
kind: Pod
metadata: { name: on-unnamed-node, namespace: monitoring }
spec: { nodeName: node-b, hostNetwork: true }
`);
  const exporter = pod(state, 'monitoring', 'exporter');
  assert.equal(exporter.hostNetwork, true);
  assert.deepEqual(exporter.ips, ['10.0.0.10']);
  const nodeB = state.nodes.find((n) => n.name === 'node-b');
  assert.deepEqual(pod(state, 'monitoring', 'on-unnamed-node').ips, nodeB?.addresses);
  assert.match(nodeB?.addresses[0] ?? '', /^198\.19\.255\./);
});

test('a hostNetwork pod on no node still gets a host address, from the node range', () => {
  const state = cleanStateOf(
    'apiVersion: v1\nkind: Pod\nmetadata: { name: h }\nspec: { hostNetwork: true }\n',
  );
  assert.match(pod(state, 'default', 'h').ips[0] ?? '', /^198\.19\.255\./);
});

test('a Deployment runs its replicas, named and labelled as its ReplicaSet would', () => {
  const state = cleanStateOf(WEB_DEPLOYMENT);
  assert.equal(state.pods.length, 3);
  const hashes = new Set<string>();
  for (const p of state.pods) {
    const match = /^web-([bcdfghjklmnpqrstvwxz2456789]{10})-([bcdfghjklmnpqrstvwxz2456789]{5})$/.exec(p.name);
    assert.ok(match, p.name);
    hashes.add(match[1] ?? '');
    assert.deepEqual(p.labels, { app: 'web', 'pod-template-hash': match[1] });
    assert.deepEqual(p.owner, { kind: 'Deployment', name: 'web' });
    assert.deepEqual(p.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  }
  assert.equal(hashes.size, 1, 'one template, one hash');
});

test('replicas default to one, and zero replicas run no pod', () => {
  const one = cleanStateOf(WEB_DEPLOYMENT.replace('replicas: 3', ''));
  assert.equal(one.pods.length, 1);
  const none = cleanStateOf(WEB_DEPLOYMENT.replace('replicas: 3', 'replicas: 0'));
  assert.deepEqual(none.pods, []);
});

test('a StatefulSet names its pods by ordinal and labels each with its name and index', () => {
  const state = cleanStateOf(`
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: 2
  template: { metadata: { labels: { app: db } } }
`);
  assert.deepEqual(
    state.pods.map((p) => [p.name, p.labels, p.owner]),
    [0, 1].map((i) => [
      `db-${i}`,
      {
        app: 'db',
        'statefulset.kubernetes.io/pod-name': `db-${i}`,
        'apps.kubernetes.io/pod-index': String(i),
      },
      { kind: 'StatefulSet', name: 'db' },
    ]),
  );
});

const NODES = `
apiVersion: v1
kind: Node
metadata: { name: node-a, labels: { role: edge } }
status: { addresses: [{ type: InternalIP, address: 10.0.0.10 }] }
---
apiVersion: v1
kind: Node
metadata: { name: node-b }
status: { addresses: [{ type: InternalIP, address: 10.0.0.11 }] }
---
apiVersion: v1
kind: Node
metadata: { name: node-c, labels: { role: edge } }
status: { addresses: [{ type: InternalIP, address: 10.0.0.12 }] }
`;

const AGENT = (nodeSelector: string): string => `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: kube-system }
spec:
  template:
    metadata: { labels: { app: agent } }
    spec: { hostNetwork: true, nodeSelector: ${nodeSelector} }
`;

test('a DaemonSet runs one pod on each node its nodeSelector matches, on that node', () => {
  const state = cleanStateOf(`${NODES}---${AGENT('{ role: edge }')}`);
  const placed = state.pods.map((p) => [p.nodeName, p.ips, p.owner]);
  assert.deepEqual(
    placed.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    [
      ['node-a', ['10.0.0.10'], { kind: 'DaemonSet', name: 'agent' }],
      ['node-c', ['10.0.0.12'], { kind: 'DaemonSet', name: 'agent' }],
    ],
  );
  assert.ok(state.pods.every((p) => /^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(p.name)));
});

test('a DaemonSet with no nodeSelector runs on every node, and on one unnamed node when none is declared', () => {
  assert.equal(cleanStateOf(`${NODES}---${AGENT('{}')}`).pods.length, 3);
  const alone = cleanStateOf(AGENT('{}'));
  assert.equal(alone.pods.length, 1);
  assert.equal(alone.pods[0]?.nodeName, undefined);
});

test('a hostNetwork Deployment is placed round-robin on the nodes it may run on', () => {
  const state = cleanStateOf(`${NODES}---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ingress }
spec:
  replicas: 3
  template:
    metadata: { labels: { app: ingress } }
    spec: { hostNetwork: true, nodeSelector: { role: edge } }
`);
  const nodes = state.pods.map((p) => p.nodeName).sort();
  assert.deepEqual(nodes, ['node-a', 'node-a', 'node-c']);
  for (const p of state.pods)
    assert.deepEqual(p.ips, state.nodes.find((n) => n.name === p.nodeName)?.addresses);
});

test('a Job runs `parallelism` pods labelled with the job name, a CronJob those of its job template', () => {
  const state = cleanStateOf(`
apiVersion: batch/v1
kind: Job
metadata: { name: migrate }
spec:
  parallelism: 3
  completions: 2
  template: { metadata: { labels: { app: migrate } } }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: report }
spec:
  jobTemplate:
    spec:
      template: { metadata: { labels: { app: report } } }
`);
  const migrate = state.pods.filter((p) => p.labels.app === 'migrate');
  assert.equal(migrate.length, 2, 'no more pods than completions');
  for (const p of migrate) {
    assert.match(p.name, /^migrate-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(p.labels['job-name'], 'migrate');
    assert.deepEqual(p.owner, { kind: 'Job', name: 'migrate' });
  }
  const [report, ...more] = state.pods.filter((p) => p.labels.app === 'report');
  assert.ok(report);
  assert.deepEqual(more, []);
  assert.match(report.name, /^report-\d{8}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(report.labels['job-name'], report.name.slice(0, -6));
  assert.deepEqual(report.owner, { kind: 'CronJob', name: 'report' });
});

test('a kubectl dump of a Deployment, its ReplicaSet and its pods gives those pods only, owned by the Deployment', async () => {
  const { objects, errors: readErrors } = await readManifests([join(FIXTURES, 'kubectl-dump.yaml')]);
  assert.deepEqual(readErrors, []);
  const { state, errors } = stateFromManifests(objects);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    state.pods.map((p) => [p.name, p.ips, p.owner]),
    [
      ['api-5d8f7b9c4-qx7zk', ['10.244.2.15'], { kind: 'Deployment', name: 'api' }],
      // No pod-template-hash label and no ReplicaSet declared: the ReplicaSet stays the owner.
      ['batch-7x2kq', ['10.244.2.16'], { kind: 'ReplicaSet', name: 'batch-66f9d' }],
    ],
  );
  assert.equal(state.nodes[0]?.name, 'kind-worker');
});

test('a pod of an undeclared ReplicaSet belongs to the Deployment its pod-template-hash names', () => {
  const state = cleanStateOf(`
apiVersion: v1
kind: Pod
metadata:
  name: web-6b7f9c8d4-x7kqz
  labels: { app: web, pod-template-hash: 6b7f9c8d4 }
  ownerReferences: [{ kind: ReplicaSet, name: web-6b7f9c8d4, controller: true }]
`);
  assert.deepEqual(state.pods[0]?.owner, { kind: 'Deployment', name: 'web' });
});

test('a ReplicaSet owned by an undeclared Deployment runs its pods for that Deployment', () => {
  const state = cleanStateOf(`
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-6b7f9c8d4
  ownerReferences: [{ kind: Deployment, name: web, controller: true }]
spec:
  replicas: 2
  template: { metadata: { labels: { app: web, pod-template-hash: 6b7f9c8d4 } } }
`);
  assert.equal(state.pods.length, 2);
  for (const p of state.pods) {
    assert.match(p.name, /^web-6b7f9c8d4-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(p.owner, { kind: 'Deployment', name: 'web' });
  }
});

test('a Service keeps its selector, ClusterIP and ports, targetPort defaulting to port', () => {
  const state = cleanStateOf(`
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  clusterIP: 10.96.0.20
  ports:
    - { name: http, port: 80, targetPort: http }
    - { name: dns, port: 53, protocol: UDP }
---
apiVersion: v1
kind: Service
metadata: { name: headless, namespace: shop }
spec: { clusterIP: None, selector: {}, ports: [{ port: 5432, targetPort: 5433 }] }
---
apiVersion: v1
kind: Service
metadata: { name: dual, namespace: shop }
spec: { clusterIP: 10.96.0.30, clusterIPs: [10.96.0.30, 'fd00:96::30'] }
`);
  assert.deepEqual(state.services, [
    { namespace: 'shop', name: 'dual', clusterIPs: ['10.96.0.30', 'fd00:96::30'], ports: [] },
    {
      namespace: 'shop',
      name: 'headless',
      clusterIPs: [],
      ports: [{ port: 5432, targetPort: 5433, protocol: 'TCP' }],
    },
    {
      namespace: 'shop',
      name: 'web',
      selector: { app: 'web' },
      clusterIPs: ['10.96.0.20'],
      ports: [
        { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
        { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
      ],
    },
  ]);
});

test('a networking.k8s.io NetworkPolicy becomes a policy; same-named CRDs and other kinds are ignored', () => {
  const state = cleanStateOf(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all }
spec: { podSelector: {} }
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: calico }
spec: { selector: all() }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
`);
  assert.deepEqual(state.policies, [
    {
      ref: { namespace: 'default', name: 'deny-all' },
      target: { namespace: 'default', podSelector: { matchLabels: {}, matchExpressions: [] } },
      ingress: [],
    },
  ]);
});

test('a NetworkPolicy the API server would reject is an error at the offending field', () => {
  const { state, errors } = stateOf(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: bad }
spec:
  podSelector: {}
  egress:
    - to:
        - ipBlock: { cidr: 10.0.0.0/33 }
`);
  assert.deepEqual(state.policies, []);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.code, 'BAD_POLICY');
  assert.deepEqual(errors[0]?.location, { file: 'test.yaml', line: 8, col: 28 });
  assert.match(errors[0]?.message ?? '', /^spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr: /);
});

test('ExternalHost objects of the lab are returned apart from the cluster state', () => {
  const { state, externalHosts, errors } = stateOf(`
apiVersion: lab.netpol-assert.io/v1
kind: ExternalHost
metadata: { name: partner-api }
spec:
  address: 192.0.2.10
  ports: [443, { port: 53, protocol: UDP, name: dns }]
`);
  assert.deepEqual(errors, []);
  assert.deepEqual(externalHosts, [
    {
      name: 'partner-api',
      address: '192.0.2.10',
      ports: [
        { port: 443, protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ],
    },
  ]);
  assert.deepEqual(state, { namespaces: [], pods: [], nodes: [], services: [], policies: [] });
});

test('a pod without an address gets a synthetic one in 198.18.0.0/15, outside the node range', () => {
  const state = cleanStateOf(WEB_DEPLOYMENT);
  const addresses = state.pods.map((p) => p.ips[0]);
  assert.ok(addresses.every(isSynthetic), addresses.join(', '));
  assert.ok(addresses.every((a) => !a?.startsWith('198.19.255.')));
  assert.equal(new Set(addresses).size, addresses.length);
});

test('a pod may pin its address with the netpol-assert.io/ip annotation', () => {
  const state = cleanStateOf(`
apiVersion: v1
kind: Pod
metadata: { name: pinned, annotations: { netpol-assert.io/ip: 198.18.7.7 } }
`);
  assert.deepEqual(state.pods[0]?.ips, ['198.18.7.7']);
});

test('synthetic addresses are the same on every read and whatever the order of the files', async () => {
  const folder = join(FIXTURES, 'shop');
  const forward = await readManifests([folder]);
  const files = [...new Set(forward.objects.map((o) => o.location.file))].reverse();
  const backward = await readManifests(files);
  const first = stateFromManifests(forward.objects);
  const again = stateFromManifests(forward.objects);
  const reversed = stateFromManifests(backward.objects);
  assert.deepEqual(first.errors, []);
  assert.deepEqual(again.state, first.state);
  assert.deepEqual(reversed.state, first.state);
  assert.deepEqual(reversed.externalHosts, first.externalHosts);
});

test('a synthetic address moves aside for an address a manifest states', () => {
  const lone = 'apiVersion: v1\nkind: Pod\nmetadata: { name: lone }\n';
  const chosen = cleanStateOf(lone).pods[0]?.ips[0];
  assert.ok(isSynthetic(chosen));
  const state = cleanStateOf(`${lone}---
apiVersion: v1
kind: Pod
metadata: { name: squatter }
status: { podIP: ${chosen} }
`);
  const moved = pod(state, 'default', 'lone').ips[0];
  assert.ok(isSynthetic(moved));
  assert.notEqual(moved, chosen);
});

test('the shop fixture gives every kind its pods, nodes, services, policies and outside hosts', async () => {
  const { objects, errors: readErrors } = await readManifests([join(FIXTURES, 'shop')]);
  assert.deepEqual(readErrors, []);
  const { state, externalHosts, errors } = stateFromManifests(objects);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    state.namespaces.map((n) => n.name),
    ['default', 'monitoring', 'shop'],
  );
  const owners = state.pods.map((p) => (p.owner === undefined ? p.name : `${p.owner.kind}/${p.owner.name}`));
  assert.deepEqual(owners.sort(), [
    'CronJob/report',
    'CronJob/report',
    'DaemonSet/agent',
    'Deployment/web',
    'Deployment/web',
    'Job/migrate',
    'StatefulSet/db',
    'StatefulSet/db',
    'StatefulSet/db',
    'client',
    'dual',
    'node-exporter',
    'pinned',
  ]);
  assert.deepEqual(pod(state, 'monitoring', 'node-exporter').ips, ['10.0.0.10', '203.0.113.10']);
  assert.deepEqual(
    state.nodes.map((n) => n.name),
    ['node-a', 'node-b'],
  );
  assert.deepEqual(
    state.services.map((s) => s.name),
    ['web'],
  );
  assert.deepEqual(
    state.policies.map((p) => p.ref.name),
    ['web-from-client'],
  );
  assert.deepEqual(
    externalHosts.map((h) => h.address),
    ['192.0.2.10'],
  );
});

test('malformed fields are errors at their own line and column, with the field path', async () => {
  const file = join(FIXTURES, 'invalid', 'bad-values.yaml');
  const { objects } = await readManifests([file]);
  const { errors } = stateFromManifests(objects);
  assert.deepEqual(
    errors.map((e) => [e.location.line, e.location.col, e.message]),
    [
      [6, 14, 'metadata.labels.version: expected a string (quote numbers and booleans), got 1'],
      [
        11,
        26,
        'spec.containers[0].ports[0].containerPort: expected a port number from 1 to 65535, got 70000',
      ],
      [12, 21, 'spec.containers[0].ports[0].protocol: expected TCP, UDP or SCTP, got "tcp"'],
      [14, 10, 'status.podIP: expected an IP address, got "not-an-ip"'],
    ],
  );
  assert.ok(errors.every((e) => e.code === 'BAD_VALUE' && e.location.file === file));
});

test('an object declared twice is an error at the second, naming the first', () => {
  const lone = 'apiVersion: v1\nkind: Pod\nmetadata: { name: lone }\n';
  const { state, errors } = stateOf(`${lone}---\n${lone}`);
  assert.equal(state.pods.length, 1);
  assert.deepEqual(errors, [
    {
      code: 'DUPLICATE',
      message: 'Pod default/lone is declared twice; the first is at test.yaml:1:1',
      location: { file: 'test.yaml', line: 5, col: 1 },
      excerpt: '  5 | apiVersion: v1\n    | ^',
    },
  ]);
});

test('a StatefulSet pod that clashes with a declared pod of the same name is an error', () => {
  const { state, errors } = stateOf(`apiVersion: v1
kind: Pod
metadata: { name: db-0 }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec: { replicas: 2 }
`);
  assert.deepEqual(
    state.pods.map((p) => p.name),
    ['db-0', 'db-1'],
  );
  assert.equal(errors[0]?.code, 'DUPLICATE');
  assert.deepEqual(errors[0]?.location, { file: 'test.yaml', line: 5, col: 1 });
});
