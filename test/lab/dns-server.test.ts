/**
 * The lab's real DNS server, through the data plane alone (no API server): a pod marked as
 * a DNS server image runs dnsmasq on its address, beside the responder for its other
 * ports, and so does an outside host that serves port 53. DNS queries from another pod
 * (netpol-probe's dns-udp and dns-tcp modes) get dnsmasq's answers until a policy drops
 * them; dnsmasq stops with its pod and with the lab. Needs root, iproute2, nftables, a C
 * compiler and dnsmasq; skipped with the reason otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataPlaneStatus, DesiredPod, DesiredState } from '../../src/lab/data-plane/index.js';
import { DataPlane } from '../../src/lab/data-plane/index.js';
import { execa } from 'execa';
import type { NetworkPolicyManifest } from '../../src/policy/manifest.js';
import { dnsmasqOn, dnsProbe as dnsProbeWith } from './dns-support.js';
import { labSkipReason, probeOne } from './lab-support.js';

const dnsProbe = (netns: string, server: string) => dnsProbeWith(netns, server, 'lab-dns');

const LAB = 'tdns';

async function skipReason(): Promise<string | false> {
  const machine = await labSkipReason();
  if (machine !== undefined) return machine;
  const dnsmasq = await execa('/usr/sbin/dnsmasq', ['--version'], { reject: false });
  return dnsmasq.failed ? 'needs dnsmasq (apt-get install -y dnsmasq-base, or npm run setup:lab)' : false;
}

const skip = await skipReason();

const dnsPod: DesiredPod = {
  namespace: 'kube-system',
  name: 'coredns',
  uid: '5b0c7a52-0d05-4000-8000-000000000001',
  labels: { 'k8s-app': 'kube-dns' },
  nodeName: 'node-a',
  dnsServer: true,
  ports: [
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    { name: 'metrics', port: 9153, protocol: 'TCP' },
  ],
};
const client: DesiredPod = {
  namespace: 'shop',
  name: 'client',
  uid: '5b0c7a52-0d05-4000-8000-000000000002',
  labels: { app: 'client' },
  nodeName: 'node-b',
  ports: [],
};

const noDns: NetworkPolicyManifest = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'no-dns', namespace: 'shop' },
  spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 9153, protocol: 'TCP' }] }] },
};

function desired(pods: DesiredPod[], policies: NetworkPolicyManifest[] = []): DesiredState {
  return {
    nodes: [{ name: 'node-a' }, { name: 'node-b' }],
    namespaces: [
      { name: 'kube-system', labels: {} },
      { name: 'shop', labels: {} },
    ],
    pods,
    externalHosts: [{ name: 'resolver', address: '198.51.100.53', ports: [{ port: 53, protocol: 'UDP' }] }],
    policies,
  };
}

describe('dnsmasq in a DNS pod and an outside host of the lab', { skip }, () => {
  let plane: DataPlane | undefined;
  let status: DataPlaneStatus;

  const running = (name: string) => {
    const found = status.pods.find((pod) => pod.name === name);
    assert.ok(found?.phase === 'Running', `${name} is not running: ${JSON.stringify(found)}`);
    return found;
  };

  before(async () => {
    await DataPlane.cleanLeftovers({ lab: LAB });
    plane = await DataPlane.create(LAB);
    status = await plane.apply(desired([dnsPod, client]));
  });

  after(async () => {
    await plane?.destroy();
  });

  test('answers DNS over UDP and TCP from another node, beside the responder on the other port', async () => {
    const dns = running('coredns');
    const from = running('client').netns;
    assert.equal((await dnsmasqOn(dns.ip)).length, 1, 'one dnsmasq on the pod address');
    assert.deepEqual(await dnsProbe(from, dns.ip), ['connected dns-NOERROR', 'connected dns-NOERROR']);
    assert.equal(await probeOne(from, 'TCP', dns.ip, 9153), 'connected');
    // The outside host that serves 53 answers DNS too (TCP as well, as a DNS server does).
    assert.deepEqual(await dnsProbe(from, '198.51.100.53'), [
      'connected dns-NOERROR',
      'connected dns-NOERROR',
    ]);
  });

  test('an egress policy that leaves DNS out drops both, and the metrics port stays open', async () => {
    assert.ok(plane);
    const dns = running('coredns');
    const from = running('client').netns;
    status = await plane.apply(desired([dnsPod, client], [noDns]));
    try {
      assert.deepEqual(await dnsProbe(from, dns.ip), ['timeout -', 'timeout -']);
      assert.equal(await probeOne(from, 'TCP', dns.ip, 9153), 'connected');
    } finally {
      status = await plane.apply(desired([dnsPod, client]));
    }
    assert.deepEqual(await dnsProbe(from, dns.ip), ['connected dns-NOERROR', 'connected dns-NOERROR']);
  });

  test('dnsmasq goes with its pod, and with the lab', async () => {
    assert.ok(plane);
    const dns = running('coredns');
    const [pid] = await dnsmasqOn(dns.ip);
    assert.ok(pid !== undefined);
    status = await plane.apply(desired([client]));
    assert.deepEqual(await dnsmasqOn(dns.ip), []);
    assert.equal((await dnsmasqOn('198.51.100.53')).length, 1);
    await plane.destroy();
    plane = undefined;
    assert.deepEqual(await dnsmasqOn('198.51.100.53'), []);
  });
});
