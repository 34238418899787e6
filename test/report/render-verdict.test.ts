import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests, stateFromManifests } from '../../src/manifests/index.js';
import { PolicyEngine } from '../../src/policy/index.js';
import type { ClusterState, Pod } from '../../src/policy/index.js';
import { renderVerdict } from '../../src/report/index.js';

const MANIFESTS = `
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop, labels: { app: web } }
spec: { containers: [{ name: web, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: shop, labels: { app: client } }
---
apiVersion: v1
kind: Pod
metadata: { name: intruder, namespace: shop, labels: { app: intruder } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-from-client, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: client } } }]
      ports: [{ port: http }]
`;

function cluster(): ClusterState {
  const { objects } = parseManifests(MANIFESTS, 'shop.yaml');
  const { state, errors } = stateFromManifests(objects);
  assert.deepEqual(errors, []);
  return state;
}

function pod(state: ClusterState, name: string): Pod {
  const found = state.pods.find((p) => p.name === name);
  assert.ok(found);
  return found;
}

function explain(state: ClusterState, from: string, to: string): string {
  const verdict = new PolicyEngine(state).verdict({
    source: { kind: 'pod', pod: pod(state, from) },
    destination: { kind: 'pod', pod: pod(state, to) },
    port: 8080,
    protocol: 'TCP',
  });
  return renderVerdict(verdict, state);
}

test('an admitted pair names the policy, rule, peer and port that admit it', () => {
  const state = cluster();
  assert.equal(
    explain(state, 'client', 'web'),
    [
      'egress of the source: allowed: no policy selecting the pod has Egress in its policyTypes',
      'ingress to the destination: allowed by shop/web-from-client ingress[0]: from[0] (pods app=client in shop), ports[0] (http/TCP)',
    ].join('\n'),
  );
});

test('a denied pair names the policies that isolate the destination', () => {
  const state = cluster();
  assert.equal(
    explain(state, 'intruder', 'web').split('\n')[1],
    'ingress to the destination: denied: isolated by shop/web-from-client, and no rule admits it',
  );
});
