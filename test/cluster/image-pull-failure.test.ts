/** A pod waiting on an image that cannot be pulled stops a run at once, naming the image and the fix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { IMAGE_PULL_FAILURES, imagePullFailures, imagePullProblem } from '../../src/cluster/index.js';

const IMAGE = 'ghcr.io/netpol-assert/agent:0.0.0-missing';

function pod(name: string, statuses: V1ContainerStatus[], init: V1ContainerStatus[] = []): V1Pod {
  return {
    metadata: { name, namespace: 'netpol-assert-system' },
    status: { phase: 'Pending', containerStatuses: statuses, initContainerStatuses: init },
  };
}

function waiting(reason: string, message?: string, name = 'agent'): V1ContainerStatus {
  return {
    name,
    image: IMAGE,
    imageID: '',
    ready: false,
    restartCount: 0,
    state: { waiting: { reason, ...(message === undefined ? {} : { message }) } },
  };
}

test('each of the four kubelet reasons for an image it cannot get is a pull failure', () => {
  assert.equal(IMAGE_PULL_FAILURES.length, 4);
  for (const reason of IMAGE_PULL_FAILURES) {
    const [failure, ...more] = imagePullFailures([pod('a', [waiting(reason, 'not found')])]);
    assert.deepEqual(more, []);
    assert.deepEqual(failure, {
      pod: 'netpol-assert-system/a',
      container: 'agent',
      image: IMAGE,
      reason,
      message: 'not found',
    });
  }
});

test('a container still being created, running or crashing is not a pull failure', () => {
  const running: V1ContainerStatus = { ...waiting('x'), ready: true, state: { running: {} } };
  const pods = [
    pod('creating', [waiting('ContainerCreating')]),
    pod('crashing', [waiting('CrashLoopBackOff')]),
    pod('running', [running]),
    { metadata: { name: 'new', namespace: 'default' } },
  ];
  assert.deepEqual(imagePullFailures(pods), []);
});

test('init containers are looked at too, and every failing pod is named', () => {
  const failures = imagePullFailures([
    pod('one', [waiting('PodInitializing')], [waiting('ErrImageNeverPull', undefined, 'setup')]),
    pod('two', [waiting('ImagePullBackOff')]),
  ]);
  assert.deepEqual(
    failures.map((failure) => `${failure.pod} ${failure.container} ${failure.reason}`),
    ['netpol-assert-system/one setup ErrImageNeverPull', 'netpol-assert-system/two agent ImagePullBackOff'],
  );
});

test('the message names the image, the reason and where, and how to build, load or replace it', () => {
  const message = imagePullProblem(
    imagePullFailures([pod('agent-x', [waiting('ErrImagePull', 'manifest unknown')])]),
  );
  const lines = message.split('\n');
  assert.equal(
    lines[0],
    `the agent image ${IMAGE} cannot be pulled (ErrImagePull in netpol-assert-system/agent-x: manifest unknown).`,
  );
  assert.ok(
    message.includes(
      `npm run build:agent && docker build -f agent/Dockerfile -t ${IMAGE} . && kind load docker-image ${IMAGE}`,
    ),
    message,
  );
  assert.match(message, /--image/);
});
