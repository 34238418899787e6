/** Which pods the lab runs silent on UDP (bound, never answering): an image named silent-udp, any registry or tag. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredState, isSilentUdpImage } from '../../../src/lab/kubelet/index.js';

test('images whose last path segment names silent-udp are silent on UDP; others are not', () => {
  for (const image of [
    'silent-udp',
    'example.com/silent-udp:1.0',
    'localhost:5000/lab/silent-udp-syslog@sha256:ab',
  ])
    assert.equal(isSilentUdpImage(image), true, image);
  for (const image of [undefined, 'nginx', 'example.com/silent-udp/server:1', 'busybox:silent-udp'])
    assert.equal(isSilentUdpImage(image), false, String(image));
});

test('a pod with a silent-udp container is desired silent; others are not marked at all', () => {
  const pod = (name: string, image: string) => ({
    metadata: { name, namespace: 'app', uid: `uid-${name}` },
    spec: {
      nodeName: 'lab-node-0',
      containers: [{ name: 'c', image, ports: [{ containerPort: 5140, protocol: 'UDP' }] }],
    },
  });
  const desired = desiredState({
    nodeNames: ['lab-node-0'],
    namespaces: [],
    pods: [pod('syslog', 'example.com/silent-udp:1.0'), pod('web', 'nginx')],
    policies: [],
    externalHosts: [],
  });
  assert.deepEqual(
    desired.pods.map((p) => [p.name, p.silentUdp]),
    [
      ['syslog', true],
      ['web', undefined],
    ],
  );
  assert.equal('silentUdp' in (desired.pods[1] ?? {}), false);
});
