/**
 * Cases from cluster policies (ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy v1alpha1): a case from a peer each rule matches and near
 * misses, and where the tiers meet the NetworkPolicies of the same pods, one case of each
 * kind: an Admin Deny that overrides a NetworkPolicy allow, a Pass that lets the
 * NetworkPolicy decide, a Baseline Deny that a NetworkPolicy overrides. Every expectation
 * is the model's, and every generated suite holds against it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateAssertions, generateCases } from '../../src/generate/index.js';
import type { ClusterState, TierTrail } from '../../src/policy/index.js';
import type { Assertion } from '../../src/suite/index.js';
import { formatDestination, formatEndpoint } from '../../src/suite/index.js';
import { PlanModel, planProbes } from '../../src/plan/index.js';
import { predict } from '../../src/run/index.js';
import {
  ALL_NAMESPACES,
  anp,
  banp,
  cnp,
  inNamespace,
  podIn,
  rule,
} from '../policy/cluster-policy-fixtures.js';
import {
  assertAllHold,
  clusterWith,
  manifest,
  named,
  suiteOf,
  tagsOf,
  tieredClusterWith,
} from './fixtures.js';

function probe(assertion: Assertion): string {
  return `from ${formatEndpoint(assertion.from)} to ${formatDestination(assertion.to, assertion.port, assertion.protocol)} expect ${assertion.expect}`;
}

/** x/a admits ingress from x/b and from namespace z. */
const WEB = manifest(
  'web',
  {
    podSelector: { matchLabels: { pod: 'a' } },
    ingress: [
      { from: [{ podSelector: { matchLabels: { pod: 'b' } } }] },
      { from: [{ namespaceSelector: { matchLabels: { ns: 'z' } } }] },
    ],
  },
  'x',
);

/** Admin tier, for x/a: Deny from x/b, Pass from x/c. */
const GUARD = cnp('guard', 'Admin', 10, {
  subject: podIn('x', 'a'),
  ingress: [
    { name: 'deny-b', ...rule('Deny', [podIn('x', 'b')]) },
    { name: 'pass-c', ...rule('Pass', [podIn('x', 'c')]) },
  ],
});

/** Baseline tier: deny every ingress. */
const DENY_ALL_BASELINE = banp({ subject: ALL_NAMESPACES, ingress: [rule('Deny', [ALL_NAMESPACES])] });

test('an Admin Deny rule gives a case from the peer it matches and near misses, expecting what the tiers say', () => {
  const state = tieredClusterWith({ clusterPolicies: [GUARD] });
  const generated = generateAssertions(state);
  const place = 'generated: ClusterNetworkPolicy/guard ingress[0] "deny-b" from[0]';
  const positive = named(generated, `${place} positive`);
  assert.equal(probe(positive), 'from {ns=x}/pod=b to {ns=x}/pod=a expect deny');
  assert.deepEqual(tagsOf(positive), [
    'ingress',
    'cluster-policy',
    'admin-tier',
    'action-deny',
    'positive',
    'combined-peer',
    'any-port',
  ]);
  // Missing the peer: no rule of any tier decides, so Kubernetes' default allows.
  assert.equal(
    probe(named(generated, `${place} near miss: pod labels pod!=b`)),
    'from {ns=x}/pod!=b to {ns=x}/pod=a expect allow',
  );
  const otherNamespace = named(generated, `${place} near miss: namespace y`);
  assert.equal(probe(otherNamespace), 'from y/pod=b to {ns=x}/pod=a expect allow');
  assert.ok(tagsOf(otherNamespace).includes('other-namespace'));
  assertAllHold([suiteOf(generated)], state);
});

test('the three cross-tier cases appear where a cluster policy meets the NetworkPolicy of the same pod', () => {
  const state = tieredClusterWith({ networkPolicies: [WEB], clusterPolicies: [GUARD, DENY_ALL_BASELINE] });
  const generated = generateAssertions(state);
  const overrides = named(
    generated,
    'generated: ClusterNetworkPolicy/guard ingress[0] "deny-b" cross-tier: Admin Deny overrides NetworkPolicy x/web',
  );
  assert.equal(probe(overrides), 'from x/pod=b to x/pod=a:80/tcp expect deny');
  const passes = named(
    generated,
    'generated: ClusterNetworkPolicy/guard ingress[1] "pass-c" cross-tier: Pass lets NetworkPolicy x/web decide',
  );
  // The Pass hands x/c over to x/web, which does not admit it: denied by the NetworkPolicy tier.
  assert.equal(probe(passes), 'from x/pod=c to x/pod=a:80/tcp expect deny');
  const baseline = named(
    generated,
    'generated: BaselineAdminNetworkPolicy/default ingress[0] cross-tier: NetworkPolicy x/web overrides Baseline Deny',
  );
  assert.equal(probe(baseline), 'from z/pod=a to x/pod=a:80/tcp expect allow');
  const kinds = [
    'admin-overrides-networkpolicy',
    'pass-to-networkpolicy',
    'networkpolicy-overrides-baseline',
  ];
  for (const kind of kinds)
    assert.equal(generated.filter((a) => tagsOf(a).includes(kind)).length, 1, `one case tagged ${kind}`);
  assert.ok(tagsOf(overrides).includes('admin-tier') && tagsOf(baseline).includes('baseline-tier'));
  assertAllHold([suiteOf(generated)], state);
});

test('each cross-tier case says what it says only because of the other tier', () => {
  const state = tieredClusterWith({ networkPolicies: [WEB], clusterPolicies: [GUARD, DENY_ALL_BASELINE] });
  const generated = generateAssertions(state);
  const tagged = (kind: string): Assertion => {
    const found = generated.find((a) => tagsOf(a).includes(kind));
    assert.ok(found, `a case tagged ${kind}`);
    return found;
  };
  // Without the cluster policies, x/web admits x/b: the Admin Deny is what denies.
  assert.equal(outcome(tagged('admin-overrides-networkpolicy'), { ...state, clusterPolicies: [] }), 'fail');
  // Without the NetworkPolicy, the Baseline Deny would deny z/a: x/web is what allows.
  assert.equal(outcome(tagged('networkpolicy-overrides-baseline'), { ...state, policies: [] }), 'fail');
  // The Pass: the Admin tier matched guard's Pass rule, and x/web decided.
  const trail = ingressTrail(tagged('pass-to-networkpolicy'), state);
  assert.equal(trail?.decidedBy, 'NetworkPolicy');
  assert.deepEqual(
    trail?.steps.map((step) =>
      step.outcome === 'matched'
        ? `${step.tier} ${step.action} ${step.policy.name}[${step.rule}]`
        : `${step.tier} ${step.outcome}`,
    ),
    ['Admin Pass guard[1]', 'NetworkPolicy denied'],
  );
});

function ingressTrail(assertion: Assertion, state: ClusterState): TierTrail | undefined {
  const plan = planProbes([suiteOf([assertion])], state);
  const pair = plan.suites[0]?.assertions[0]?.pairs[0];
  assert.ok(pair, 'the case plans to a pair');
  return new PlanModel(state, plan).verdict(pair).ingress.tiers;
}

function outcome(assertion: Assertion, state: ClusterState): string | undefined {
  const result = predict(planProbes([suiteOf([assertion])], state), state, { target: 'test' });
  return result.suites[0]?.assertions[0]?.outcome;
}

test('v1alpha1 policies: Allow to networks on a port, Deny to nodes, and a Baseline Deny to every address', () => {
  const ops = anp('ops', 5, {
    subject: inNamespace('y'),
    egress: [
      rule('Allow', [{ networks: ['203.0.113.0/24'] }], { ports: [{ portNumber: { port: 443 } }] }, 'egress'),
      rule('Deny', [{ nodes: { matchLabels: { role: 'control-plane' } } }], {}, 'egress'),
    ],
  });
  const lockdown = banp({
    subject: ALL_NAMESPACES,
    egress: [rule('Deny', [{ networks: ['0.0.0.0/0'] }], {}, 'egress')],
  });
  const state = tieredClusterWith({ clusterPolicies: [ops, lockdown] });
  const generated = generateAssertions(state);
  const admin = 'generated: AdminNetworkPolicy/ops';
  const inside = named(generated, `${admin} egress[0] to[0] positive: 203.0.113.1 in 203.0.113.0/24`);
  assert.equal(probe(inside), 'from {ns=y}/* to 203.0.113.1:443/tcp expect allow');
  assert.deepEqual(tagsOf(inside), [
    'egress',
    'cluster-policy',
    'admin-tier',
    'action-accept',
    'positive',
    'networks',
    'numbered-port',
  ]);
  // Outside the Admin network, or on another port: the Baseline Deny to 0.0.0.0/0 decides.
  assert.equal(
    probe(named(generated, `${admin} egress[0] to[0] near miss: 192.0.2.1 outside every network`)),
    'from {ns=y}/* to 192.0.2.1:443/tcp expect deny',
  );
  assert.equal(
    probe(named(generated, `${admin} egress[0] near miss: port 444/TCP`)),
    'from {ns=y}/* to 203.0.113.1:444/tcp expect deny',
  );
  const node = named(generated, `${admin} egress[1] to[0] positive: node node-1`);
  assert.equal(probe(node), 'from {ns=y}/* to node:node-1:80/tcp expect deny');
  assert.ok(tagsOf(node).includes('nodes') && tagsOf(node).includes('action-deny'));
  assert.ok(generated.some((a) => a.name.startsWith(`${admin} egress[1] to[0] near miss: node node-2`)));
  const baseline = named(
    generated,
    'generated: BaselineAdminNetworkPolicy/default egress[0] to[0] positive: 192.0.2.1 in 0.0.0.0/0',
  );
  assert.equal(baseline.expect, 'deny');
  assert.ok(tagsOf(baseline).includes('baseline-tier'));
  // No NetworkPolicy: nothing for the tiers to meet.
  assert.equal(generated.filter((a) => tagsOf(a).some((t) => t.includes('networkpolicy'))).length, 0);
  assertAllHold([suiteOf(generated)], state);
});

test('a Deny rule whose matching pods a higher Accept admits is narrowed around a pod it denies', () => {
  const state = tieredClusterWith({
    clusterPolicies: [
      cnp('open-b', 'Admin', 1, { subject: inNamespace('x'), ingress: [rule('Accept', [podIn('y', 'b')])] }),
      cnp('deny-y', 'Admin', 2, { subject: inNamespace('x'), ingress: [rule('Deny', [inNamespace('y')])] }),
    ],
  });
  const generated = generateAssertions(state);
  const positive = named(generated, 'generated: ClusterNetworkPolicy/deny-y ingress[0] from[0] positive');
  // y/b is admitted first by open-b; the case is about the Deny, so it keeps to a pod the Deny decides.
  assert.equal(probe(positive), 'from y/pod=a to {ns=x}/* expect deny');
  assertAllHold([suiteOf(generated)], state);
});

test('cluster policies add cases after the NetworkPolicy cases, which keep their names and order', () => {
  const alone = generateCases(clusterWith(WEB)).map((c) => c.name);
  const tiered = generateCases(
    tieredClusterWith({ networkPolicies: [WEB], clusterPolicies: [GUARD, DENY_ALL_BASELINE] }),
  ).map((c) => c.name);
  assert.deepEqual(tiered.slice(0, alone.length), alone);
  assert.ok(
    tiered
      .slice(alone.length)
      .every((name) => /^generated: (ClusterNetworkPolicy|BaselineAdminNetworkPolicy)\//.test(name)),
  );
  assert.ok(tiered.length > alone.length);
});

test('a Baseline Pass and a domainNames peer give no case of their own', () => {
  const state = tieredClusterWith({
    networkPolicies: [WEB],
    clusterPolicies: [
      cnp('names', 'Baseline', 5, {
        subject: podIn('x', 'a'),
        egress: [rule('Accept', [{ domainNames: ['example.com'] }], {}, 'egress')],
        ingress: [rule('Pass', [ALL_NAMESPACES])],
      }),
    ],
  });
  const cases = generateCases(state);
  assert.equal(cases.filter((c) => c.name.includes('egress[0]')).length, 0);
  assert.equal(cases.filter((c) => c.tags.includes('networkpolicy-overrides-baseline')).length, 0);
  assert.ok(cases.some((c) => c.name.includes('ClusterNetworkPolicy/names ingress[0] from[0] positive')));
});
