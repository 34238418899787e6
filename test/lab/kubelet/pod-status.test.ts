/** The status the emulated kubelet writes for a started pod. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { apiTime, runningPodStatus, statusIsCurrent } from '../../../src/lab/kubelet/index.js';

const pod: V1Pod = {
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1' },
  spec: {
    nodeName: 'lab-node-0',
    initContainers: [{ name: 'init', image: 'busybox' }],
    containers: [
      { name: 'web', image: 'nginx' },
      { name: 'sidecar', image: 'envoy' },
    ],
  },
};
const run = {
  ips: ['198.18.0.7'],
  hostIp: '198.19.0.1',
  startedAt: new Date('2024-05-01T10:00:00.123Z'),
  containerId: 'a'.repeat(64),
};

test('a started pod is Running with its addresses and every condition True', () => {
  const status = runningPodStatus(pod, run);
  assert.equal(status.phase, 'Running');
  assert.equal(status.podIP, '198.18.0.7');
  assert.deepEqual(status.podIPs, [{ ip: '198.18.0.7' }]);
  assert.equal(status.hostIP, '198.19.0.1');
  assert.equal(status.startTime, '2024-05-01T10:00:00Z');
  const conditions = status.conditions as { type: string; status: string }[];
  assert.deepEqual(
    conditions.map((condition) => [condition.type, condition.status]),
    [
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ],
  );
});

test('every container is ready and running under a distinct runtime id; init containers have completed', () => {
  const status = runningPodStatus(pod, run);
  const containers = status.containerStatuses as { name: string; ready: boolean; containerID: string }[];
  assert.deepEqual(
    containers.map((container) => [container.name, container.ready]),
    [
      ['web', true],
      ['sidecar', true],
    ],
  );
  assert.equal(containers[0]?.containerID, `netpol-assert-lab://${'a'.repeat(64)}`);
  assert.notEqual(containers[0]?.containerID, containers[1]?.containerID);
  const init = status.initContainerStatuses as { state: { terminated: { exitCode: number } } }[];
  assert.equal(init[0]?.state.terminated.exitCode, 0);
});

test('a status already written is current; a changed address or a pod not yet Ready is not', () => {
  const written = JSON.parse(JSON.stringify(runningPodStatus(pod, run))) as V1Pod['status'];
  assert.equal(statusIsCurrent({ ...pod, status: written }, run), true);
  assert.equal(statusIsCurrent({ ...pod, status: written }, { ...run, ips: ['198.18.0.8'] }), false);
  assert.equal(statusIsCurrent({ ...pod, status: { phase: 'Pending' } }, run), false);
});

test('API times are RFC 3339 in whole seconds', () => {
  assert.equal(apiTime(new Date('2024-05-01T10:00:00.999Z')), '2024-05-01T10:00:00Z');
});
