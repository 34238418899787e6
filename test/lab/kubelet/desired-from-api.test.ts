/** From API objects to what the data plane is asked to make. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { desiredState } from '../../../src/lab/kubelet/index.js';

const pod = (name: string, extra: Partial<V1Pod> = {}): V1Pod => ({
  metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels: { app: name } },
  spec: {
    nodeName: 'lab-node-0',
    containers: [
      {
        name: 'main',
        ports: [
          { containerPort: 8080, name: 'http' },
          { containerPort: 53, protocol: 'UDP' },
        ],
      },
    ],
  },
  ...extra,
});

const snapshot = (pods: V1Pod[]) => ({
  nodeNames: ['lab-node-0', 'lab-node-1'],
  namespaces: [{ metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } } }],
  pods,
  policies: [],
  externalHosts: [],
});

test('a pod bound to a lab node is desired with its labels, node and declared ports (TCP by default)', () => {
  const desired = desiredState(snapshot([pod('web')]));
  assert.deepEqual(desired.pods, [
    {
      namespace: 'shop',
      name: 'web',
      uid: 'uid-web',
      labels: { app: 'web' },
      annotations: {},
      nodeName: 'lab-node-0',
      hostNetwork: false,
      ports: [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
    },
  ]);
  assert.deepEqual(desired.nodes, [{ name: 'lab-node-0' }, { name: 'lab-node-1' }]);
  assert.deepEqual(desired.namespaces, [{ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } }]);
});

test('unbound, foreign-node, terminating and finished pods are not desired', () => {
  const unbound = pod('unbound', { spec: { containers: [] } });
  const foreign = pod('foreign', { spec: { nodeName: 'elsewhere', containers: [] } });
  const terminating = pod('terminating', {
    metadata: { name: 'terminating', namespace: 'shop', uid: 'u', deletionTimestamp: new Date() },
  });
  const finished = pod('finished', { status: { phase: 'Succeeded' } });
  assert.deepEqual(desiredState(snapshot([unbound, foreign, terminating, finished])).pods, []);
});

test('NetworkPolicies go to the data plane as the API stored them', () => {
  const policy = {
    metadata: { name: 'deny', namespace: 'shop', creationTimestamp: new Date() },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
  };
  const desired = desiredState({ ...snapshot([]), policies: [policy] });
  assert.deepEqual(desired.policies, [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
    },
  ]);
});
