/** Where an exec runs: the pod's (or node's) network namespace, with the container's environment. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { containerEnv, execResolution } from '../../../src/lab/kubelet/index.js';
import type { LoadedPayload, PodStatus } from '../../../src/lab/kubelet/index.js';

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
const payload: LoadedPayload = {
  bundle: '/pkg/build/agent/netpol-assert-agent.mjs',
  probe: '/pkg/build/agent/netpol-probe',
  images: ['ghcr.io/netpol-assert/agent:0.1.0', 'netpol-assert-agent:dev'],
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
  const env = containerEnv(pod, pod.spec!.containers[0]!, payload);
  assert.equal(env.MODE, 'lab');
  assert.equal(env.NODE, 'lab-node-1');
  assert.equal(env.APP, 'agent');
  assert.equal(env.HOSTNAME, 'lab-node-1', 'a hostNetwork pod has its node name');
  assert.equal(env.SECRET, undefined);
  assert.ok(env.PATH?.includes('/usr/bin'));
});

test('a command runs through nsenter in the network namespace the data plane made', () => {
  const resolution = execResolution(request, pod, running, payload);
  assert.equal(resolution.kind, 'run');
  if (resolution.kind !== 'run') return;
  assert.equal(resolution.target.file, 'nsenter');
  assert.deepEqual(resolution.target.args, ['--net=/run/netns/npa-t-n1', '--', 'ip', 'addr']);
});

test('an unknown pod or container is 404, a pod that is not running 409', () => {
  assert.deepEqual(
    [
      execResolution(request, undefined, running, payload),
      execResolution({ ...request, container: 'nope' }, pod, running, payload),
      execResolution(
        request,
        pod,
        {
          phase: 'Failed',
          namespace: 'kube-system',
          name: 'agent-x',
          uid: 'u-1',
          reason: 'boom',
        },
        payload,
      ),
    ].map((resolution) => (resolution.kind === 'refused' ? resolution.code : 0)),
    [404, 404, 409],
  );
});

/** The same pod, its container of netpol-assert's own image under `image`, with the image's NETPOL_PROBE. */
function ownImagePod(image: string): V1Pod {
  const container = {
    name: 'agent',
    image,
    env: [{ name: 'NETPOL_PROBE', value: '/usr/local/bin/netpol-probe' }],
  };
  return { ...pod, spec: { ...pod.spec!, containers: [container] } };
}

test("netpol-assert's own image runs the payload: node with its bundle, and its netpol-probe", () => {
  const own = ownImagePod('ghcr.io/netpol-assert/agent:0.1.0');
  const agent = execResolution(
    { ...request, command: ['netpol-assert-agent', 'probe'] },
    own,
    running,
    payload,
  );
  assert.equal(agent.kind, 'run');
  if (agent.kind !== 'run') return;
  assert.deepEqual(agent.target.args, [
    '--net=/run/netns/npa-t-n1',
    '--',
    process.execPath,
    payload.bundle,
    'probe',
  ]);
  assert.equal(agent.target.env.NETPOL_PROBE, payload.probe, "the payload's helper, not the image's path");
  const byPath = execResolution(
    { ...request, command: ['/usr/local/bin/netpol-probe', '--version'] },
    own,
    running,
    payload,
  );
  assert.deepEqual(byPath.kind === 'run' && byPath.target.args.slice(2), [payload.probe, '--version']);
});

test('other images run their command as given, with their own environment', () => {
  const other = { ...ownImagePod('busybox:1.36') };
  const resolution = execResolution(
    { ...request, command: ['netpol-assert-agent', 'probe'] },
    other,
    running,
    payload,
  );
  assert.deepEqual(resolution.kind === 'run' && resolution.target.args.slice(2), [
    'netpol-assert-agent',
    'probe',
  ]);
  assert.equal(
    resolution.kind === 'run' && resolution.target.env.NETPOL_PROBE,
    '/usr/local/bin/netpol-probe',
  );
});

test('an own image the lab does not hold has no container to exec into (404, naming the image)', () => {
  const missing = ownImagePod('ghcr.io/netpol-assert/agent:0.0.0-missing');
  const resolution = execResolution(request, missing, running, payload);
  assert.equal(resolution.kind, 'refused');
  assert.equal(resolution.kind === 'refused' && resolution.code, 404);
  assert.match(
    resolution.kind === 'refused' ? resolution.message : '',
    /agent:0\.0\.0-missing is not in the lab/,
  );
});
