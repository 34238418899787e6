/** Which probes ask a DNS question: port 53 over UDP and TCP unless the request says otherwise. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBatch, planHelperJobs, probeQueryOf } from '../../agent/index.js';
import type { ProbeRequest, ResolvedNetns } from '../../agent/index.js';

const base: ProbeRequest = {
  kind: 'probe',
  id: 'p',
  source: { kind: 'pod', uid: 'a' },
  ip: '198.19.77.2',
  port: 53,
  protocol: 'UDP',
  timeoutMs: 500,
  attempts: 1,
};

test('port 53 over UDP and TCP asks DNS; other ports, SCTP and UDP captures do not', () => {
  assert.equal(probeQueryOf(base), 'dns');
  assert.equal(probeQueryOf({ ...base, protocol: 'TCP' }), 'dns');
  assert.equal(probeQueryOf({ ...base, protocol: 'SCTP' }), 'none');
  assert.equal(probeQueryOf({ ...base, port: 5353 }), 'none');
  assert.equal(probeQueryOf({ ...base, udpProof: 'capture' }), 'none');
  assert.equal(probeQueryOf({ ...base, udpProof: 'echo' }), 'dns');
});

test('a request may ask for DNS on any port, or for the plain probe on port 53', () => {
  assert.equal(probeQueryOf({ ...base, port: 5353, query: 'dns' }), 'dns');
  assert.equal(probeQueryOf({ ...base, query: 'none' }), 'none');
});

test('the batch decoder takes query dns|none, DNS only over TCP or UDP and never with a capture', () => {
  const decode = (request: Record<string, unknown>) =>
    decodeBatch(JSON.stringify({ version: 1, requests: [request] }));
  assert.equal(decode({ ...base, query: 'dns' }).ok, true);
  assert.equal(decode({ ...base, protocol: 'TCP', port: 8053, query: 'dns' }).ok, true);
  assert.equal(decode({ ...base, query: 'none' }).ok, true);
  const problems = (request: Record<string, unknown>) => {
    const decoded = decode(request);
    return decoded.ok ? [] : decoded.problems;
  };
  assert.deepEqual(problems({ ...base, query: 'http' }), ['requests[0]: query: want dns or none']);
  assert.deepEqual(problems({ ...base, protocol: 'SCTP', query: 'dns' }), [
    'requests[0]: query dns: only for TCP and UDP',
  ]);
  assert.deepEqual(problems({ ...base, udpProof: 'capture', query: 'dns' }), [
    'requests[0]: query dns: not with udpProof capture (the capture matches the nonce)',
  ]);
});

test('netpol-probe gets dns-udp and dns-tcp where the probe asks DNS, the plain modes elsewhere', () => {
  const resolved = new Map<string, ResolvedNetns>([
    ['pod:a', { ok: true, path: '/proc/10/ns/net', identity: '4:1' }],
  ]);
  const requests: ProbeRequest[] = [
    { ...base, id: 'udp53' },
    { ...base, id: 'tcp53', protocol: 'TCP' },
    { ...base, id: 'udp53-plain', query: 'none' },
    { ...base, id: 'udp5353-dns', port: 5353, query: 'dns' },
    { ...base, id: 'tcp80', protocol: 'TCP', port: 80 },
    { ...base, id: 'udp53-capture', udpProof: 'capture' },
    { ...base, id: 'sctp53', protocol: 'SCTP' },
  ];
  const { jobs } = planHelperJobs(requests, resolved, () => 'nonce');
  assert.deepEqual(
    jobs[0]?.tasks.map((task) => (task.kind === 'probe' ? task.mode : task.kind)),
    ['dns-udp', 'dns-tcp', 'udp', 'dns-udp', 'tcp', 'udp-send', 'sctp'],
  );
});
