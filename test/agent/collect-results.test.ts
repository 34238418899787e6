import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planHelperJobs, ResultCollector } from '../../agent/index.js';
import type { AgentRequest, ProbeRequest, ResolvedNetns } from '../../agent/index.js';

const tcp: ProbeRequest = {
  kind: 'probe',
  id: 'tcp',
  source: { kind: 'pod', uid: 'a' },
  ip: '198.19.77.2',
  port: 80,
  protocol: 'TCP',
  timeoutMs: 500,
  attempts: 2,
};
const captured: ProbeRequest = {
  ...tcp,
  id: 'captured',
  protocol: 'UDP',
  port: 53,
  attempts: 1,
  udpProof: 'capture',
  destination: { kind: 'pod', uid: 'b' },
};
const elsewhere: ProbeRequest = { ...tcp, id: 'elsewhere', source: { kind: 'pod', uid: 'gone' } };

const resolved = new Map<string, ResolvedNetns>([
  ['pod:a', { ok: true, path: '/proc/10/ns/net', identity: '4:1' }],
  ['pod:b', { ok: true, path: '/proc/20/ns/net', identity: '4:2' }],
  ['pod:gone', { ok: false, reason: 'no process of pod gone on this node' }],
]);

const plan = (requests: AgentRequest[]) => planHelperJobs(requests, resolved, () => 'made-up');

test('one helper per namespace, a UDP capture split between source and destination', () => {
  const { jobs, unresolved } = plan([tcp, captured, elsewhere]);
  assert.deepEqual(
    jobs.map((job) => [job.netnsPath, job.tasks.map((task) => `${task.kind} ${task.index}`)]),
    [
      ['/proc/10/ns/net', ['probe 0', 'probe 2']],
      ['/proc/20/ns/net', ['capture 3']],
    ],
  );
  assert.deepEqual(unresolved, [
    { index: 2, request: elsewhere, reason: 'no process of pod gone on this node' },
  ]);
  // The capture listens for every attempt plus one timeout of grace, with the same made-up nonce.
  assert.deepEqual(jobs[1]?.tasks[0], {
    kind: 'capture',
    index: 3,
    port: 53,
    timeoutMs: 1000,
    attempts: 1,
    nonce: 'made-up',
  });
  assert.equal(jobs[0]?.tasks[1]?.kind === 'probe' && jobs[0].tasks[1].mode, 'udp-send');
});

test('a response comes out only when every attempt of every part is in', () => {
  const { planned } = plan([tcp, captured]);
  const collector = new ResultCollector(planned, () => 42);
  assert.equal(collector.record(0, 0, { observation: 'connected', elapsedMs: 1 }), undefined);
  const response = collector.record(0, 1, { observation: 'timeout', elapsedMs: 500 });
  assert.equal(response?.observation, 'mixed');
  assert.deepEqual(response?.attempts, [
    { observation: 'connected', elapsedMs: 1 },
    { observation: 'timeout', elapsedMs: 500 },
  ]);
  assert.equal(collector.record(2, 0, { observation: 'sent', elapsedMs: 500 }), undefined);
  assert.deepEqual(collector.pending(), [captured]);
});

test('a datagram seen arriving is connected, whatever the sender heard', () => {
  const { planned } = plan([captured]);
  const collector = new ResultCollector(planned, () => 0);
  collector.record(0, 0, { observation: 'refused', elapsedMs: 3, detail: 'icmp-3-3' });
  const response = collector.record(1, 0, { observation: 'seen', elapsedMs: 2 });
  assert.deepEqual(response?.attempts, [{ observation: 'connected', elapsedMs: 3, detail: 'captured' }]);
});

test('a datagram not seen is judged by the sender: silence is a timeout, ICMP stays', () => {
  const { planned } = plan([captured, { ...captured, id: 'rejected' }]);
  const collector = new ResultCollector(planned, () => 0);
  collector.record(0, 0, { observation: 'sent', elapsedMs: 500 });
  collector.record(2, 0, { observation: 'unreachable', elapsedMs: 1, detail: 'icmp-3-13' });
  assert.equal(collector.record(1, 0, { observation: 'not-seen', elapsedMs: 1000 })?.observation, 'timeout');
  assert.equal(
    collector.record(3, 0, { observation: 'not-seen', elapsedMs: 1000 })?.observation,
    'unreachable',
  );
});

test("a helper that dies fails its requests' missing attempts with its reason", () => {
  const { planned, jobs } = plan([tcp]);
  const collector = new ResultCollector(planned, () => 7);
  collector.record(0, 0, { observation: 'connected', elapsedMs: 1 });
  const [response] = collector.failTasks(jobs[0]?.tasks ?? [], 'netpol-probe: exit 139');
  assert.deepEqual(response?.attempts, [
    { observation: 'connected', elapsedMs: 1 },
    { observation: 'error', elapsedMs: 0, detail: 'netpol-probe: exit 139' },
  ]);
  assert.equal(response?.reason, 'netpol-probe: exit 139');
  assert.deepEqual(collector.pending(), []);
});

test('a capture word on a probe part, a repeated attempt, or an unknown part is ignored', () => {
  const { planned } = plan([tcp]);
  const collector = new ResultCollector(planned, () => 0);
  assert.equal(collector.record(0, 0, { observation: 'seen', elapsedMs: 1 }), undefined);
  assert.equal(collector.record(0, 0, { observation: 'connected', elapsedMs: 1 }), undefined);
  assert.equal(collector.record(0, 0, { observation: 'refused', elapsedMs: 1 }), undefined);
  assert.equal(collector.record(8, 0, { observation: 'refused', elapsedMs: 1 }), undefined);
  assert.deepEqual(collector.record(0, 1, { observation: 'connected', elapsedMs: 2 })?.attempts, [
    { observation: 'connected', elapsedMs: 1 },
    { observation: 'connected', elapsedMs: 2 },
  ]);
});
