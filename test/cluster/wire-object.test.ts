import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { fromWireObject, toWireObject } from '../../src/cluster/wire-object.js';

const wirePolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'api-allow', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { app: 'api' } },
    ingress: [
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 80, protocol: 'TCP' }] },
    ],
  },
};

test("a NetworkPolicy read through client-node keeps its rules' from peers in wire form", () => {
  // As the API client hands it out: the model class names `from` `_from`.
  const typed = ObjectSerializer.deserialize(wirePolicy, 'V1NetworkPolicy') as V1NetworkPolicy;
  assert.equal(JSON.stringify(typed).includes('"from"'), false, 'the trap: JSON drops the wire name');
  assert.deepEqual(toWireObject(typed, 'V1NetworkPolicy'), wirePolicy);
});

test('a manifest as written becomes the model the client serializes from, from peers included', () => {
  const typed = fromWireObject(wirePolicy);
  assert.deepEqual(toWireObject(typed, 'V1NetworkPolicy'), wirePolicy);
});

test('an object a watch delivered (plain JSON, wire names) passes through unchanged', () => {
  assert.deepEqual(toWireObject(structuredClone(wirePolicy), 'V1NetworkPolicy'), wirePolicy);
});
