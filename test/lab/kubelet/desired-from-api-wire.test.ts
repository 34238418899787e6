import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { desiredState } from '../../../src/lab/kubelet/index.js';

test('the lab enforces the from peers of policies it reads from the API (client-node calls them _from)', () => {
  const policy = ObjectSerializer.deserialize(
    {
      metadata: { name: 'api-allow', namespace: 'default' },
      spec: { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] },
    },
    'V1NetworkPolicy',
  ) as V1NetworkPolicy;
  const desired = desiredState({
    nodeNames: [],
    namespaces: [],
    pods: [],
    policies: [policy],
    externalHosts: [],
  });
  assert.deepEqual(desired.policies[0]?.spec.ingress?.[0]?.from, [
    { podSelector: { matchLabels: { app: 'web' } } },
  ]);
});

test('the lab enforces the from peers of policies a watch delivered as plain JSON', () => {
  // The informer types watched objects as models, but a watch hands over the raw JSON.
  const watched = {
    metadata: { name: 'api-allow', namespace: 'default' },
    spec: { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] },
  };
  const desired = desiredState({
    nodeNames: [],
    namespaces: [],
    pods: [],
    policies: [watched as unknown as V1NetworkPolicy],
    externalHosts: [],
  });
  assert.deepEqual(desired.policies[0]?.spec.ingress?.[0]?.from, [
    { podSelector: { matchLabels: { app: 'web' } } },
  ]);
});
