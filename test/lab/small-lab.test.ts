/**
 * A small lab end to end: two nodes, a few pods (one hostNetwork, one with a pinned
 * address), two outside hosts; real packets through real namespaces and nftables.
 * Needs root, iproute2, nftables and a C compiler; skipped with the reason otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { access, readFile, stat } from 'node:fs/promises';
import type { DataPlaneStatus, DesiredPod, DesiredState, PodStatus } from '../../src/lab/data-plane/index.js';
import { DataPlane, DesiredStateInvalid } from '../../src/lab/data-plane/index.js';
import type { NetworkPolicyManifest } from '../../src/policy/manifest.js';
import type { HostSnapshot } from './lab-support.js';
import { hostSnapshot, labSkipReason, probeFrom, probeOne, processExists, rssKib } from './lab-support.js';

const LAB = 'tsmall';
const skip = await labSkipReason();

const pods: DesiredPod[] = [
  {
    namespace: 'shop',
    name: 'web',
    uid: '5b0c7a52-0001-4000-8000-000000000001',
    labels: { app: 'web' },
    nodeName: 'node-a',
    ports: [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  },
  {
    namespace: 'shop',
    name: 'api',
    uid: '5b0c7a52-0002-4000-8000-000000000002',
    labels: { app: 'api' },
    nodeName: 'node-b',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  },
  {
    namespace: 'shop',
    name: 'db',
    uid: '5b0c7a52-0003-4000-8000-000000000003',
    labels: { app: 'db' },
    annotations: { 'netpol-assert.io/ip': '198.18.7.7' },
    nodeName: 'node-a',
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  },
  {
    namespace: 'ops',
    name: 'mon',
    uid: '5b0c7a52-0004-4000-8000-000000000004',
    labels: { app: 'mon' },
    nodeName: 'node-b',
    ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }],
  },
  {
    namespace: 'ops',
    name: 'agent',
    uid: '5b0c7a52-0005-4000-8000-000000000005',
    labels: { app: 'agent' },
    nodeName: 'node-a',
    hostNetwork: true,
    ports: [{ port: 10250, protocol: 'TCP' }],
  },
];

function desired(policies: NetworkPolicyManifest[] = [], podList: DesiredPod[] = pods): DesiredState {
  return {
    nodes: [{ name: 'node-a' }, { name: 'node-b' }],
    namespaces: [
      { name: 'shop', labels: { team: 'shop' } },
      { name: 'ops', labels: { team: 'ops' } },
    ],
    pods: podList,
    externalHosts: [
      {
        name: 'ext-in',
        address: '203.0.113.10',
        ports: [
          { port: 443, protocol: 'TCP' },
          { port: 514, protocol: 'UDP' },
        ],
      },
      { name: 'ext-out', address: '203.0.113.200', ports: [{ port: 443, protocol: 'TCP' }] },
    ],
    policies,
  };
}

function policy(name: string, namespace: string, spec: NetworkPolicyManifest['spec']): NetworkPolicyManifest {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

const denyShopIngress = policy('deny-ingress', 'shop', { podSelector: {} });
const allowApiToWebHttp = policy('api-to-web', 'shop', {
  podSelector: { matchLabels: { app: 'web' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }] }],
});
const dbEgressToOps = policy('db-egress', 'shop', {
  podSelector: { matchLabels: { app: 'db' } },
  policyTypes: ['Egress'],
  egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }], ports: [{ port: 9090 }] }],
});
const webFromOutside = policy('web-from-outside', 'shop', {
  podSelector: { matchLabels: { app: 'web' } },
  ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }],
});
const monEgressToBlock = policy('mon-egress', 'ops', {
  podSelector: { matchLabels: { app: 'mon' } },
  policyTypes: ['Egress'],
  egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/25' } }] }],
});

describe('a small lab of two nodes, five pods and two outside hosts', { skip: skip ?? false }, () => {
  let plane: DataPlane | undefined;
  let hostBefore: HostSnapshot;
  let status: DataPlaneStatus;

  const running = (name: string): Extract<PodStatus, { phase: 'Running' }> => {
    const found = status.pods.find((p) => p.name === name);
    assert.ok(found?.phase === 'Running', `${name} is not running: ${JSON.stringify(found)}`);
    return found;
  };
  const outside = (name: string) => {
    const found = status.externalHosts.find((host) => host.name === name);
    assert.ok(found, `no outside host ${name}`);
    return found;
  };
  const apply = async (state: DesiredState) => {
    assert.ok(plane);
    status = await plane.apply(state);
    return status;
  };
  const nodeNetns = (name: string) => status.nodes.find((node) => node.name === name)?.netns ?? '';

  before(async () => {
    await DataPlane.cleanLeftovers({ lab: LAB });
    hostBefore = await hostSnapshot(`npa-${LAB}-`);
    plane = await DataPlane.create(LAB);
    await apply(desired());
  });

  after(async () => {
    await plane?.destroy();
  });

  test('every pod runs, the pinned one at its address and the hostNetwork one at its node address', () => {
    assert.deepEqual(status.pods.map((p) => `${p.namespace}/${p.name}:${p.phase}`).sort(), [
      'ops/agent:Running',
      'ops/mon:Running',
      'shop/api:Running',
      'shop/db:Running',
      'shop/web:Running',
    ]);
    assert.equal(running('db').ip, '198.18.7.7');
    const nodeA = status.nodes.find((node) => node.name === 'node-a');
    assert.equal(running('agent').ip, nodeA?.address);
    assert.equal(running('agent').netns, nodeA?.netns);
    for (const pod of status.pods)
      if (pod.phase === 'Running' && !pod.hostNetwork) assert.match(pod.ip, /^198\.18\./);
    for (const node of status.nodes) assert.match(node.address, /^198\.19\.0\./);
  });

  test('pods reach each other over TCP and UDP, on one node and across nodes', async () => {
    const web = running('web');
    const fromWeb = await probeFrom(web.netns, [
      { protocol: 'TCP', address: running('api').ip, port: 8080 },
      { protocol: 'TCP', address: running('db').ip, port: 5432 },
      { protocol: 'TCP', address: running('mon').ip, port: 9090 },
    ]);
    assert.deepEqual(fromWeb, ['connected', 'connected', 'connected']);
    const toWebUdp = await Promise.all(
      ['db', 'mon'].map((name) => probeOne(running(name).netns, 'UDP', web.ip, 53)),
    );
    assert.deepEqual(toWebUdp, ['connected', 'connected']);
  });

  test('a port nobody listens on is refused, not dropped', async () => {
    assert.equal(await probeOne(running('web').netns, 'TCP', running('api').ip, 9999), 'refused');
    assert.equal(await probeOne(running('web').netns, 'UDP', running('api').ip, 9999), 'refused');
  });

  test('pods and outside hosts reach each other both ways', async () => {
    const web = running('web');
    assert.deepEqual(
      await probeFrom(web.netns, [
        { protocol: 'TCP', address: '203.0.113.10', port: 443 },
        { protocol: 'UDP', address: '203.0.113.10', port: 514 },
      ]),
      ['connected', 'connected'],
    );
    assert.deepEqual(
      await probeFrom(outside('ext-in').netns, [
        { protocol: 'TCP', address: web.ip, port: 80 },
        { protocol: 'UDP', address: web.ip, port: 53 },
        { protocol: 'TCP', address: running('mon').ip, port: 9090 },
      ]),
      ['connected', 'connected', 'connected'],
    );
  });

  test('no lab namespace has a route out of the lab', async () => {
    const allowed = /^(198\.1[89]\.|203\.0\.113\.|198\.51\.100\.|192\.0\.2\.|169\.254\.1\.1$)/;
    const namespaces = [
      ...status.nodes.map((node) => node.netns),
      ...status.externalHosts.map((host) => host.netns),
      ...status.pods.flatMap((p) => (p.phase === 'Running' && !p.hostNetwork ? [p.netns] : [])),
    ];
    for (const netns of namespaces) {
      const routes = JSON.parse((await execa('ip', ['-n', netns, '-j', 'route', 'show'])).stdout) as {
        dst: string;
      }[];
      assert.ok(routes.length > 0, `${netns} has routes`);
      for (const route of routes) assert.match(route.dst, allowed, `${netns} routes ${route.dst}`);
    }
  });

  test('each responder lives in its pod network namespace and kubepods cgroups, in about a megabyte', async (t) => {
    const rss: number[] = [];
    for (const pod of status.pods) {
      assert.ok(pod.phase === 'Running');
      const inode = (await stat(`/proc/${pod.pid}/ns/net`)).ino;
      assert.equal(inode, (await stat(`/run/netns/${pod.netns}`)).ino, `${pod.name} is in ${pod.netns}`);
      const cgroups = await readFile(`/proc/${pod.pid}/cgroup`, 'utf8');
      const leaf = `/npa-${LAB}/kubepods/besteffort/pod${pod.uid}/${pod.containerId}`;
      const hierarchies = cgroups
        .split('\n')
        .filter((line) => line.endsWith(leaf))
        .map((line) => line.split(':')[1]);
      if (hierarchies.length > 0)
        assert.deepEqual(hierarchies.sort(), ['cpu', 'memory', 'name=systemd', 'pids']);
      else assert.match(cgroups, new RegExp(`^0::.*${leaf}$`, 'm'), 'cgroup v2 layout');
      assert.equal(pod.cgroups.length, hierarchies.length || 1);
      rss.push(await rssKib(pod.pid));
    }
    t.diagnostic(`responder RSS KiB: ${rss.join(', ')}`);
    for (const kib of rss) assert.ok(kib < 2048, `responder RSS ${kib} KiB`);
  });

  test('a default-deny ingress policy blocks pods, nodes and outside hosts, but not the pod own node', async () => {
    await apply(desired([denyShopIngress]));
    const web = running('web');
    assert.equal(await probeOne(running('api').netns, 'TCP', web.ip, 80), 'timeout');
    assert.equal(await probeOne(running('db').netns, 'UDP', web.ip, 53), 'timeout', 'same node, UDP');
    assert.equal(await probeOne(outside('ext-in').netns, 'TCP', web.ip, 80), 'timeout');
    assert.equal(await probeOne(nodeNetns('node-b'), 'TCP', web.ip, 80), 'timeout', 'another node');
    assert.equal(await probeOne(nodeNetns('node-a'), 'TCP', web.ip, 80), 'connected', 'own node');
    assert.equal(
      await probeOne(web.netns, 'TCP', running('mon').ip, 9090),
      'connected',
      'ops is not isolated',
    );
  });

  test('an allow policy with a pod selector and a named port opens exactly that port to exactly those pods', async () => {
    await apply(desired([denyShopIngress, allowApiToWebHttp]));
    const web = running('web');
    const api = running('api');
    assert.equal(await probeOne(api.netns, 'TCP', web.ip, 80), 'connected');
    assert.equal(await probeOne(api.netns, 'UDP', web.ip, 53), 'timeout');
    assert.equal(await probeOne(running('db').netns, 'TCP', web.ip, 80), 'timeout');
  });

  test('egress rules limit where a pod may connect, by namespace and port', async () => {
    await apply(desired([denyShopIngress, allowApiToWebHttp, dbEgressToOps]));
    const db = running('db');
    assert.deepEqual(
      await probeFrom(db.netns, [
        { protocol: 'TCP', address: running('mon').ip, port: 9090 },
        { protocol: 'TCP', address: running('api').ip, port: 8080 },
        { protocol: 'TCP', address: '203.0.113.10', port: 443 },
      ]),
      ['connected', 'timeout', 'timeout'],
    );
    assert.equal(await probeOne(running('web').netns, 'TCP', running('mon').ip, 9090), 'connected');
  });

  test('ipBlock with except admits the block but not the exception, both ways', async () => {
    await apply(desired([webFromOutside, monEgressToBlock]));
    const web = running('web');
    assert.equal(await probeOne(outside('ext-in').netns, 'TCP', web.ip, 80), 'connected');
    assert.equal(await probeOne(outside('ext-out').netns, 'TCP', web.ip, 80), 'timeout');
    assert.equal(
      await probeOne(running('api').netns, 'TCP', web.ip, 80),
      'timeout',
      'a pod is not in the block',
    );
    const mon = running('mon');
    assert.deepEqual(
      await probeFrom(mon.netns, [
        { protocol: 'TCP', address: '203.0.113.10', port: 443 },
        { protocol: 'UDP', address: '203.0.113.10', port: 514 },
        { protocol: 'TCP', address: '203.0.113.200', port: 443 },
        { protocol: 'TCP', address: running('api').ip, port: 8080 },
      ]),
      ['connected', 'connected', 'timeout', 'timeout'],
    );
  });

  test('relabelling a pod changes what passes without restarting it', async () => {
    await apply(desired([denyShopIngress, allowApiToWebHttp]));
    const pidBefore = running('api').pid;
    const relabelled = pods.map((p) => (p.name === 'api' ? { ...p, labels: { app: 'api-v2' } } : p));
    await apply(desired([denyShopIngress, allowApiToWebHttp], relabelled));
    assert.equal(running('api').pid, pidBefore);
    assert.equal(await probeOne(running('api').netns, 'TCP', running('web').ip, 80), 'timeout');
    await apply(desired([denyShopIngress, allowApiToWebHttp]));
    assert.equal(await probeOne(running('api').netns, 'TCP', running('web').ip, 80), 'connected');
  });

  test('a pod whose pinned address is taken or outside the pod range fails alone', async () => {
    const extra = (name: string, ip: string): DesiredPod => ({
      namespace: 'shop',
      name,
      uid: `uid-${name}`,
      labels: {},
      annotations: { 'netpol-assert.io/ip': ip },
      nodeName: 'node-b',
      ports: [],
    });
    await apply(desired([], [...pods, extra('twin', '198.18.7.7'), extra('stray', '10.0.0.1')]));
    const phases = Object.fromEntries(
      status.pods.map((p) => [p.name, p.phase === 'Running' ? p.phase : `${p.phase}: ${p.reason}`]),
    );
    assert.match(String(phases.twin), /^Failed: .*198\.18\.7\.7 is taken by shop\/db/);
    assert.match(String(phases.stray), /^Failed: .*not a usable address of the pod range/);
    assert.equal(phases.db, 'Running');
    await apply(desired());
  });

  test('outside hosts outside the documentation ranges are refused and nothing changes', async () => {
    assert.ok(plane);
    const refused = (address: string) => ({
      ...desired(),
      externalHosts: [{ name: 'rogue', address, ports: [] }],
    });
    await assert.rejects(plane.apply(refused('8.8.8.8')), (error: unknown) => {
      assert.ok(error instanceof DesiredStateInvalid);
      assert.match(error.message, /8\.8\.8\.8 is not in a documentation range/);
      return true;
    });
    await assert.rejects(plane.apply(refused('2001:db8::10')), /IPv6 outside hosts are not supported yet/);
    assert.deepEqual(
      plane
        .status()
        .externalHosts.map((host) => host.name)
        .sort(),
      ['ext-in', 'ext-out'],
    );
  });

  test('removing a pod removes its namespace, cgroups, process and routes', async () => {
    const db = running('db');
    await apply(
      desired(
        [],
        pods.filter((p) => p.name !== 'db'),
      ),
    );
    assert.equal(
      status.pods.find((p) => p.name === 'db'),
      undefined,
    );
    assert.equal(await processExists(db.pid), false);
    for (const leaf of db.cgroups) await assert.rejects(access(leaf), `${leaf} is gone`);
    const netns = JSON.parse((await execa('ip', ['-j', 'netns', 'list'])).stdout) as { name: string }[];
    assert.equal(
      netns.some((entry) => entry.name === db.netns),
      false,
    );
    const route = (await execa('ip', ['-n', nodeNetns('node-b'), 'route', 'show', '198.18.7.7/32'])).stdout;
    assert.equal(route.trim(), '');
  });

  test('teardown leaves no namespace, link, nftables table, cgroup, process or state folder', async () => {
    assert.ok(plane);
    const pids = [
      ...status.pods.flatMap((p) => (p.phase === 'Running' ? [p.pid] : [])),
      ...status.externalHosts.map((h) => h.pid),
    ];
    const report = await plane.destroy();
    assert.ok(report.netns.length >= 2 + 2 + 3 + 1, `namespaces removed: ${report.netns.length}`);
    const hostAfter = await hostSnapshot(`npa-${LAB}-`);
    assert.deepEqual(hostAfter, hostBefore);
    assert.deepEqual(hostAfter.netns, []);
    assert.deepEqual(hostAfter.cgroupDirs, []);
    for (const pid of pids) assert.equal(await processExists(pid), false, `process ${pid} is gone`);
    const stateRoot = `${process.env.XDG_RUNTIME_DIR || '/run'}/netpol-assert/${LAB}`;
    await assert.rejects(access(stateRoot));
  });
});
