/** Which pods the lab runs a real DNS server for: a DNS server image, whatever its registry or tag. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { desiredState, isDnsServerImage } from '../../../src/lab/kubelet/index.js';

test('CoreDNS and kube-dns images are DNS servers, from any registry, by tag or digest', () => {
  for (const image of [
    'registry.k8s.io/coredns/coredns:v1.11.1',
    'coredns/coredns',
    'docker.io/coredns/coredns@sha256:0123abcd',
    'k8s.gcr.io/coredns:1.6.7',
    'localhost:5000/coredns/coredns:1.11',
    'k8s.gcr.io/k8s-dns-kube-dns-amd64:1.14.13',
  ]) {
    assert.equal(isDnsServerImage(image), true, image);
  }
});

test('other images, and names that only contain coredns, are not', () => {
  for (const image of [
    undefined,
    'nginx',
    'corednsx',
    'coredns/coredns-helper:1',
    'example.com/coredns-operator',
    'registry.k8s.io/pause:3.9',
  ]) {
    assert.equal(isDnsServerImage(image), false, String(image));
  }
});

const pod = (name: string, images: string[]): V1Pod => ({
  metadata: { name, namespace: 'kube-system', uid: `uid-${name}`, labels: { 'k8s-app': 'kube-dns' } },
  spec: {
    nodeName: 'lab-node-0',
    containers: images.map((image, index) => ({
      name: `c${index}`,
      image,
      ports: [{ containerPort: 53, protocol: 'UDP' }],
    })),
  },
});

test('a pod with a DNS server container is desired as a DNS server; others are not marked at all', () => {
  const desired = desiredState({
    nodeNames: ['lab-node-0'],
    namespaces: [],
    pods: [
      pod('coredns', ['registry.k8s.io/coredns/coredns:v1.11.1']),
      pod('sidecar', ['nginx', 'coredns/coredns']),
      pod('web', ['nginx']),
    ],
    policies: [],
    externalHosts: [],
  });
  assert.deepEqual(
    desired.pods.map((p) => [p.name, p.dnsServer]),
    [
      ['coredns', true],
      ['sidecar', true],
      ['web', undefined],
    ],
  );
  assert.equal('dnsServer' in (desired.pods[2] ?? {}), false);
});
