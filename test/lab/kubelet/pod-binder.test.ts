/** Which node a pod asks for, when the lab binds pods itself. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awaitsBinding, requestedNode } from '../../../src/lab/kubelet/index.js';

test('a DaemonSet pod names its node through a required affinity on metadata.name', () => {
  const pod = {
    spec: {
      containers: [],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['lab-node-1'] }] },
            ],
          },
        },
      },
    },
  };
  assert.equal(requestedNode(pod), 'lab-node-1');
});

test('a pod may name its node through the kubernetes.io/hostname node selector, or name none', () => {
  assert.equal(
    requestedNode({ spec: { containers: [], nodeSelector: { 'kubernetes.io/hostname': 'lab-node-0' } } }),
    'lab-node-0',
  );
  assert.equal(requestedNode({ spec: { containers: [] } }), undefined);
});

test('only unbound, live pods for the default scheduler wait for binding', () => {
  assert.equal(awaitsBinding({ metadata: {}, spec: { containers: [] } }), true);
  assert.equal(awaitsBinding({ metadata: {}, spec: { containers: [], nodeName: 'lab-node-0' } }), false);
  assert.equal(awaitsBinding({ metadata: {}, spec: { containers: [], schedulerName: 'other' } }), false);
  assert.equal(
    awaitsBinding({ metadata: { deletionTimestamp: new Date() }, spec: { containers: [] } }),
    false,
  );
});
