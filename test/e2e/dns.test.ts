/**
 * DNS end to end against a real DNS server: a lab whose kube-dns pod runs CoreDNS's
 * image, which the lab serves with Debian's dnsmasq (never forwarding), and the suite
 * test/e2e/fixtures/dns/dns.yaml through the command line. DNS from a namespace no policy
 * selects is allowed over UDP and TCP, and denied from a namespace whose egress policy
 * leaves DNS out; with `--cni none` exactly the denies fail. The answers are dnsmasq's
 * (a DNS response, not an echo), a name outside cluster.local is refused at once, and the
 * server goes with its pod and with the lab. Needs root, the lab's control plane and
 * dnsmasq (npm run setup:lab).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { LabNames, podKey } from '../../src/lab/names/index.js';
import type { JsonReport } from '../../src/report/index.js';
import {
  assertionKey,
  assertionsOf,
  assertFailedExactly,
  assertWireMatchesExpectations,
  coreApi,
  e2eSkipReason,
  labDown,
  labUp,
  runJson,
} from './e2e-support.js';
import { dnsmasqOn, dnsProbe as dnsProbeWith } from '../lab/dns-support.js';
import { loadSuites } from './model-expectations.js';

const FIXTURES = 'test/e2e/fixtures/dns';
const SUITE = `${FIXTURES}/dns.yaml`;

async function skipReason(): Promise<string | false> {
  const machine = await e2eSkipReason();
  if (machine !== false) return machine;
  const dnsmasq = await execa('/usr/sbin/dnsmasq', ['--version'], { reject: false });
  return dnsmasq.failed
    ? 'the lab needs dnsmasq for DNS pods (npm run setup:lab installs dnsmasq-base)'
    : false;
}

const skip = await skipReason();

interface LabPod {
  readonly name: string;
  readonly ip: string;
  readonly netns: string;
}

/** A pod of the lab by namespace and label, with its address and the network namespace the lab made for it. */
async function labPod(lab: string, kubeconfig: string, namespace: string, selector: string): Promise<LabPod> {
  const pods = await coreApi(kubeconfig).listNamespacedPod({ namespace, labelSelector: selector });
  const pod = pods.items.find(
    (item) => item.status?.phase === 'Running' && item.metadata?.deletionTimestamp === undefined,
  );
  const [name, uid, ip] = [pod?.metadata?.name, pod?.metadata?.uid, pod?.status?.podIP];
  assert.ok(name && uid && ip, `a running pod ${namespace}/${selector}`);
  return { name, ip, netns: new LabNames(lab).podNetns(podKey({ namespace, name, uid })) };
}

/** netpol-probe's DNS modes from inside a lab pod's namespace, straight to the server. */
async function dnsProbe(from: LabPod, server: string): Promise<string[]> {
  return dnsProbeWith(from.netns, server, 'dns-e2e');
}

/**
 * The RCODE and the A records of one UDP query from inside a lab pod's namespace, by a
 * few lines of Node run there: any name, where netpol-probe always asks the same one.
 */
async function resolveFrom(from: LabPod, server: string, name: string): Promise<string> {
  const program = `
    const dgram = require('node:dgram');
    const [server, name] = process.argv.slice(1);
    const labels = name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
    const query = Buffer.concat([Buffer.from([0x4e, 0x50, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => { console.log('timeout'); process.exit(0); }, 2000);
    socket.on('message', (reply) => {
      const rcode = reply[3] & 15;
      const answers = reply.readUInt16BE(6);
      const address = answers > 0 ? [...reply.subarray(reply.length - 4)].join('.') : '-';
      console.log(reply.readUInt16BE(0) === 0x4e50 ? 'rcode-' + rcode + ' ' + address : 'wrong-id');
      clearTimeout(timer);
      socket.close();
    });
    socket.send(query, 53, server);
  `;
  const { stdout } = await execa('ip', [
    'netns',
    'exec',
    from.netns,
    process.execPath,
    '-e',
    program,
    server,
    name,
  ]);
  return stdout.trim();
}

/** `check` once it stops throwing, or its last error after `timeoutMs`. */
async function until<T>(check: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Brings a lab up in `cni` mode, runs `check` with its kubeconfig, and always takes the lab down. */
async function withLab<T>(lab: string, cni: string, check: (kubeconfig: string) => Promise<T>): Promise<T> {
  const kubeconfig = await labUp(lab, { cni, manifests: [`${FIXTURES}/manifests`] });
  try {
    return await check(kubeconfig);
  } finally {
    await labDown(lab);
  }
}

describe('DNS to a real DNS server in a lab', { skip, timeout: 240_000 }, () => {
  test('allowed over UDP and TCP, denied by an egress policy; answered by dnsmasq, which never forwards and goes with its pod and the lab', async () => {
    const lab = 'e2edns';
    let serverIp = '';
    const report = await withLab(lab, 'full', async (kubeconfig) => {
      const { run, report } = await runJson([SUITE, '--lab', lab]);
      const dns = await labPod(lab, kubeconfig, 'kube-system', 'k8s-app=kube-dns');
      const open = await labPod(lab, kubeconfig, 'open', 'app=client');
      const locked = await labPod(lab, kubeconfig, 'locked', 'app=client');
      serverIp = dns.ip;
      assert.equal(run.exitCode, 0, JSON.stringify(report, null, 1));

      // A DNS response with the query's ID, from dnsmasq: not an echo, which is all a responder gives.
      assert.deepEqual(await dnsProbe(open, dns.ip), ['connected dns-NOERROR', 'connected dns-NOERROR']);
      assert.deepEqual(await dnsProbe(locked, dns.ip), ['timeout -', 'timeout -']);
      assert.equal(
        await resolveFrom(open, dns.ip, 'kubernetes.default.svc.cluster.local'),
        'rcode-0 198.19.128.1',
      );
      // Nowhere to forward to: a name outside cluster.local is refused at once, never looked up.
      assert.equal(await resolveFrom(open, dns.ip, 'example.com'), 'rcode-5 -');

      // The server goes with its pod: the ReplicaSet's new pod gets a new one, the old one is stopped.
      const [pid] = await dnsmasqOn(dns.ip);
      assert.ok(pid !== undefined, `dnsmasq listens on ${dns.ip}`);
      await coreApi(kubeconfig).deleteNamespacedPod({ namespace: 'kube-system', name: dns.name });
      await until(async () => assert.deepEqual(await dnsmasqOn(dns.ip), []), 30_000);
      const next = await until(async () => {
        const pod = await labPod(lab, kubeconfig, 'kube-system', 'k8s-app=kube-dns');
        assert.notEqual(pod.name, dns.name);
        assert.equal((await dnsmasqOn(pod.ip)).length, 1);
        return pod;
      }, 60_000);
      serverIp = next.ip;
      assert.deepEqual(await dnsProbe(open, next.ip), ['connected dns-NOERROR', 'connected dns-NOERROR']);
      return report;
    });
    // ... and with the lab.
    assert.deepEqual(await dnsmasqOn(serverIp), []);

    const assertions = assertionsOf(report);
    assert.equal(assertions.length, 5);
    assert.deepEqual(assertions.filter((a) => a.outcome !== 'pass').map(assertionKey), []);
    assertWireMatchesExpectations(assertions);
    const dnsPorts = (expect: string) =>
      assertions
        .filter((a) => a.expect === expect && a.pairs.every((pair) => pair.port === 53))
        .flatMap((a) => a.pairs.map((pair) => pair.protocol))
        .sort();
    assert.deepEqual(dnsPorts('allow'), ['TCP', 'UDP']);
    assert.deepEqual(dnsPorts('deny'), ['TCP', 'UDP']);
  });

  test('--cni none fails exactly the denies, each as a fail', async () => {
    const [suite] = await loadSuites([SUITE]);
    assert.ok(suite);
    const denies = suite.assertions
      .filter((a) => a.expect === 'deny')
      .map(assertionKey)
      .sort();
    assert.equal(denies.length, 2);
    const lab = 'e2ednsnone';
    const { exitCode, report } = await withLab(lab, 'none', async () => {
      const { run, report } = await runJson([SUITE, '--lab', lab]);
      return { exitCode: run.exitCode, report } satisfies { exitCode: number; report: JsonReport };
    });
    assert.equal(exitCode, 1);
    assertFailedExactly(report, denies);
    // Allowed through: dnsmasq answered the denies' probes as it answers the allows'.
    for (const assertion of assertionsOf(report))
      for (const pair of assertion.pairs) assert.deepEqual(pair.observations, ['connected'], assertion.name);
  });
});
