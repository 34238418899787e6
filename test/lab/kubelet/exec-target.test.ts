/** Where an exec runs: the pod's (or node's) network namespace, with the container's environment. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { containerEnv, execResolution } from '../../../src/lab/kubelet/index.js';
import type { PodStatus } from '../../../src/lab/kubelet/index.js';

const pod: V1Pod = {
  metadata: { name: 'agent-x', namespace: 'kube-system', uid: 'u-1', labels: { app: 'agent' } },
  spec: {
    nodeName: 'lab-node-1',
    hostNetwork: true,
    containers: [
      {
        name: 'agent',
        env: [
          { name: 'MODE', value: 'lab' },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
        ],
      },
    ],
  },
  status: { podIP: '198.19.0.2' },
};
const running: PodStatus = {
  phase: 'Running',
  namespace: 'kube-system',
  name: 'agent-x',
  uid: 'u-1',
  nodeName: 'lab-node-1',
  hostNetwork: true,
  ip: '198.19.0.2',
  netns: 'npa-t-n1',
  pid: 1,
  cgroups: [],
  containerId: 'c'.repeat(64),
  skippedPorts: [],
};
const request = {
  namespace: 'kube-system',
  pod: 'agent-x',
  container: 'agent',
  command: ['ip', 'addr'],
  stdin: false,
  stdout: true,
  stderr: true,
  tty: false,
};

test('the environment has values and downward-API fields; secrets are not resolved', () => {
  const env = containerEnv(pod, pod.spec!.containers[0]!);
  assert.equal(env.MODE, 'lab');
  assert.equal(env.NODE, 'lab-node-1');
  assert.equal(env.APP, 'agent');
  assert.equal(env.HOSTNAME, 'lab-node-1', 'a hostNetwork pod has its node name');
  assert.equal(env.SECRET, undefined);
  assert.ok(env.PATH?.includes('/usr/bin'));
});

test('a command runs through nsenter in the network namespace the data plane made', () => {
  const resolution = execResolution(request, pod, running);
  assert.equal(resolution.kind, 'run');
  if (resolution.kind !== 'run') return;
  assert.equal(resolution.target.file, 'nsenter');
  assert.deepEqual(resolution.target.args, ['--net=/run/netns/npa-t-n1', '--', 'ip', 'addr']);
});

test('an unknown pod or container is 404, a pod that is not running 409', () => {
  assert.deepEqual(
    [
      execResolution(request, undefined, running),
      execResolution({ ...request, container: 'nope' }, pod, running),
      execResolution(request, pod, {
        phase: 'Failed',
        namespace: 'kube-system',
        name: 'agent-x',
        uid: 'u-1',
        reason: 'boom',
      }),
    ].map((resolution) => (resolution.kind === 'refused' ? resolution.code : 0)),
    [404, 404, 409],
  );
});
