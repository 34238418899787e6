/**
 * The lab holds netpol-assert's own image only under its payload's references, as a kind
 * node holds what `kind load` gave it; an own image under another reference cannot be
 * pulled, and the status says so as a kubelet would, in words the runner recognises.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { imagePullFailures } from '../../../src/cluster/index.js';
import {
  imagePullFailedStatus,
  isMissingImage,
  missingImages,
  normalizeImage,
} from '../../../src/lab/kubelet/index.js';

const LOADED = ['ghcr.io/netpol-assert/agent:0.1.0', 'netpol-assert-agent:0.1.0', 'netpol-assert-agent:dev'];

test('references are compared as containerd resolves them (Docker Hub, library/, latest)', () => {
  assert.equal(normalizeImage('netpol-assert-agent:dev'), 'docker.io/library/netpol-assert-agent:dev');
  assert.equal(
    normalizeImage('docker.io/library/netpol-assert-agent:dev'),
    'docker.io/library/netpol-assert-agent:dev',
  );
  assert.equal(normalizeImage('me/netpol-assert-agent'), 'docker.io/me/netpol-assert-agent:latest');
  assert.equal(
    normalizeImage('localhost:5000/netpol-assert/agent'),
    'localhost:5000/netpol-assert/agent:latest',
  );
  assert.equal(
    normalizeImage('ghcr.io/netpol-assert/agent@sha256:ab'),
    'ghcr.io/netpol-assert/agent@sha256:ab',
  );
});

test("only netpol-assert's own images can be missing: loaded references are there, others run as responders", () => {
  assert.deepEqual(
    [
      'ghcr.io/netpol-assert/agent:0.1.0',
      'docker.io/library/netpol-assert-agent:dev',
      'ghcr.io/netpol-assert/agent:0.0.0-missing',
      'netpol-assert-agent:latest',
      'registry.example/team/netpol-assert-agent:0.1.0',
      'nginx:1.25',
      'registry.example/team/agent:0.0.0-missing',
    ].map((image) => isMissingImage(image, LOADED)),
    [false, false, true, true, true, false, false],
  );
});

const pod: V1Pod = {
  metadata: { name: 'netpol-assert-agent-abcde', namespace: 'netpol-assert-system', uid: 'u-1' },
  spec: {
    nodeName: 'lab-node-1',
    containers: [
      { name: 'agent', image: 'ghcr.io/netpol-assert/agent:0.0.0-missing' },
      { name: 'sidecar', image: 'nginx' },
    ],
  },
};

test('a missing own image leaves the pod Pending and not Ready, that container waiting with ErrImagePull', () => {
  const missing = missingImages(pod.spec!.containers, LOADED);
  assert.deepEqual(missing, [{ container: 'agent', image: 'ghcr.io/netpol-assert/agent:0.0.0-missing' }]);
  const status = imagePullFailedStatus(pod, {
    reason: 'ErrImagePull',
    missing,
    loaded: LOADED,
    ips: ['198.18.0.7'],
    hostIp: '198.19.0.2',
    since: new Date('2026-01-02T03:04:05.678Z'),
  }) as V1Pod['status'] & object;
  assert.equal(status.phase, 'Pending');
  assert.equal(status.podIP, '198.18.0.7');
  const ready = status.conditions?.find((condition) => condition.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.message, 'containers with unready status: [agent]');
  const [agent, sidecar] = status.containerStatuses ?? [];
  assert.equal(agent?.state?.waiting?.reason, 'ErrImagePull');
  assert.match(
    agent?.state?.waiting?.message ?? '',
    /^rpc error: code = NotFound desc = failed to pull and unpack image "ghcr\.io\/netpol-assert\/agent:0\.0\.0-missing": .*ghcr\.io\/netpol-assert\/agent:0\.1\.0/,
  );
  assert.equal(sidecar?.state?.waiting?.reason, 'ContainerCreating');
});

test('after the first failure the kubelet backs off, and the runner recognises both statuses', () => {
  const missing = missingImages(pod.spec!.containers, LOADED);
  const since = new Date();
  const reasons = (['ErrImagePull', 'ImagePullBackOff'] as const).map((reason) => {
    const status = imagePullFailedStatus(pod, {
      reason,
      missing,
      loaded: LOADED,
      ips: [],
      hostIp: '',
      since,
    });
    return imagePullFailures([{ ...pod, status: status as V1Pod['status'] }]).map(
      (f) => `${f.container} ${f.reason} ${f.message}`,
    );
  });
  assert.deepEqual(reasons[1], [
    'agent ImagePullBackOff Back-off pulling image "ghcr.io/netpol-assert/agent:0.0.0-missing"',
  ]);
  assert.equal(reasons[0]?.length, 1);
  assert.match(reasons[0]?.[0] ?? '', /^agent ErrImagePull rpc error/);
});
