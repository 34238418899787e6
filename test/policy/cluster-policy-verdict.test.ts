/** Verdicts in tiers carry, as data, the deciding tier, policy, rule and action, and each tier's word. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyEngine } from '../../src/policy/index.js';
import { randomTraffic, syntheticCluster } from '../../bench/synthetic-cluster.js';
import { syntheticClusterPolicies } from '../../bench/synthetic-cluster-policies.js';
import { cluster, manifest, policy, traffic } from './fixtures.js';
import {
  ALL_NAMESPACES,
  anp,
  banp,
  cnp,
  inNamespace,
  podIn,
  rule,
  tieredEngine,
} from './cluster-policy-fixtures.js';

test('verdict: names the deciding tier, policy, rule index and name, action, peer and port', () => {
  const engine = tieredEngine({
    clusterPolicies: [
      cnp('guard', 'Admin', 3, {
        subject: inNamespace('x'),
        ingress: [
          { name: 'from-z', action: 'Accept', from: [inNamespace('z')] },
          {
            name: 'block-y-web',
            action: 'Deny',
            from: [inNamespace('z'), podIn('y', 'b')],
            protocols: [
              { udp: { destinationPort: { number: 80 } } },
              { tcp: { destinationPort: { number: 80 } } },
            ],
          },
        ],
      }),
    ],
  });
  const verdict = engine.verdict(traffic('y/b', 'x/a'));
  assert.equal(verdict.allowed, false);
  assert.equal(verdict.ingress.decision, 'deniedByClusterPolicy');
  assert.deepEqual(verdict.ingress.tiers, {
    decidedBy: 'Admin',
    steps: [
      {
        tier: 'Admin',
        outcome: 'matched',
        action: 'Deny',
        policy: { kind: 'ClusterNetworkPolicy', name: 'guard' },
        rule: 1,
        ruleName: 'block-y-web',
        peer: 1,
        port: 1,
      },
    ],
  });
});

test('verdict: records what each tier said on the way (Admin Pass, NetworkPolicy not isolating, Baseline Deny)', () => {
  const engine = tieredEngine({
    clusterPolicies: [
      anp('hand-over', 1, { subject: ALL_NAMESPACES, ingress: [rule('Pass', [inNamespace('y')])] }),
      banp({
        subject: ALL_NAMESPACES,
        ingress: [{ name: 'default-deny', action: 'Deny', from: [ALL_NAMESPACES] }],
      }),
    ],
  });
  const verdict = engine.verdict(traffic('y/a', 'x/a'));
  assert.equal(verdict.allowed, false);
  assert.deepEqual(
    verdict.ingress.tiers?.steps.map((s) => [s.tier, s.outcome, 'action' in s ? s.action : '']),
    [
      ['Admin', 'matched', 'Pass'],
      ['NetworkPolicy', 'notIsolated', ''],
      ['Baseline', 'matched', 'Deny'],
    ],
  );
  assert.equal(verdict.ingress.tiers?.decidedBy, 'Baseline');
});

test('verdict: a tier whose policies select the pod but match nothing lists those policies', () => {
  const engine = tieredEngine({
    clusterPolicies: [
      anp('b', 2, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [inNamespace('z')])] }),
      anp('a', 1, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [inNamespace('z')])] }),
    ],
  });
  const steps = engine.verdict(traffic('y/a', 'x/a')).ingress.tiers?.steps;
  assert.deepEqual(steps?.[0], {
    tier: 'Admin',
    outcome: 'noMatch',
    policies: [
      { kind: 'AdminNetworkPolicy', name: 'a' },
      { kind: 'AdminNetworkPolicy', name: 'b' },
    ],
  });
  assert.deepEqual(steps?.[2], { tier: 'Baseline', outcome: 'noPolicy' });
});

test('verdict: when the NetworkPolicy tier decides, its isolating and admitting policies are kept as before', () => {
  const engine = tieredEngine({
    networkPolicies: [manifest('web', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })],
    clusterPolicies: [anp('pass', 1, { subject: ALL_NAMESPACES, ingress: [rule('Pass', [ALL_NAMESPACES])] })],
  });
  const verdict = engine.verdict(traffic('x/b', 'x/a'));
  assert.equal(verdict.ingress.decision, 'admitted');
  assert.deepEqual(verdict.ingress.isolatedBy, [{ namespace: 'x', name: 'web' }]);
  assert.equal(verdict.ingress.admittedBy.length, 1);
  assert.equal(verdict.ingress.tiers?.decidedBy, 'NetworkPolicy');
  assert.deepEqual(verdict.ingress.tiers?.steps.at(-1), { tier: 'NetworkPolicy', outcome: 'admitted' });
});

test('verdict: a side that is not a pod on the pod network has no tier steps and the default decides', () => {
  const engine = tieredEngine({
    clusterPolicies: [anp('deny', 1, { subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] })],
  });
  const verdict = engine.verdict(traffic('x/a', 'kube-system/agent'));
  assert.equal(verdict.ingress.decision, 'hostNetwork');
  assert.deepEqual(verdict.ingress.tiers, { decidedBy: 'default', steps: [] });
});

test('verdict: states without cluster policies give verdicts without a tiers field, as before', () => {
  const engine = new PolicyEngine(cluster([policy(manifest('deny', { podSelector: {} }))]));
  const verdict = engine.verdict(traffic('y/a', 'x/a'));
  assert.equal('tiers' in verdict.ingress, false);
  assert.equal('tiers' in verdict.egress, false);
  assert.equal('unmodelled' in verdict, false);
});

test('verdict: unmodelled policies are attached where they could apply (their namespace, or anywhere when cluster-wide)', () => {
  const engine = new PolicyEngine(
    cluster([], {
      unmodelledPolicies: [
        { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', name: 'l7', namespace: 'z' },
        { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', name: 'g', namespace: undefined },
      ],
    }),
  );
  assert.deepEqual(
    engine.verdict(traffic('x/a', 'y/a')).unmodelled?.map((p) => p.name),
    ['g'],
  );
  assert.deepEqual(
    engine.verdict(traffic('x/a', 'z/a')).unmodelled?.map((p) => p.name),
    ['l7', 'g'],
  );
});

test('allows and verdict agree on 20,000 random queries over a synthetic cluster with 50 cluster policies', () => {
  const size = { namespaces: 20, pods: 400, nodes: 5, policies: 60, seed: 7 };
  const { state } = syntheticCluster(size);
  const clusterPolicies = syntheticClusterPolicies(50, state, 11);
  assert.equal(clusterPolicies.length, 50);
  const engine = new PolicyEngine({ ...state, clusterPolicies });
  const queries = randomTraffic(state, 20_000, 12);
  let allowed = 0;
  let decidedByCluster = 0;
  for (const query of queries) {
    const verdict = engine.verdict(query);
    assert.equal(engine.allows(query), verdict.allowed);
    if (verdict.allowed) allowed++;
    for (const direction of [verdict.egress, verdict.ingress])
      if (direction.tiers?.decidedBy === 'Admin' || direction.tiers?.decidedBy === 'Baseline')
        decidedByCluster++;
  }
  // Both answers occur, and the cluster tiers decide a share of them: the table is not vacuous.
  assert.ok(allowed > 1000 && allowed < 19_000, `allowed ${allowed}`);
  assert.ok(decidedByCluster > 1000, `decided by cluster tiers ${decidedByCluster}`);
});
