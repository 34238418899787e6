/** Verdicts carry reasons per direction, shaped like cyclonus' DirectionResult. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, Traffic } from '../../src/policy/index.js';
import { PolicyEngine } from '../../src/policy/index.js';
import { randomTraffic, syntheticCluster } from '../../bench/synthetic-cluster.js';
import { cluster, engineWith, manifest, pod, podNamed, policy, traffic } from './fixtures.js';

test('a verdict names the isolating policies and each admitting rule with its peer and port index', () => {
  const engine = engineWith(
    manifest('deny-all', { podSelector: {} }),
    manifest('web', {
      podSelector: { matchLabels: { pod: 'a' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { pod: 'c' } } }] },
        {
          from: [
            { namespaceSelector: { matchLabels: { ns: 'z' } } },
            { podSelector: { matchLabels: { pod: 'b' } } },
          ],
          ports: [{ port: 443 }, { port: 80 }],
        },
        { ports: [{ port: 'http' }] },
      ],
    }),
  );
  const verdict = engine.verdict(traffic('x/b', 'x/a', 80));
  assert.equal(verdict.allowed, true);
  assert.deepEqual(verdict.ingress, {
    direction: 'ingress',
    decision: 'admitted',
    applies: true,
    isolatedBy: [
      { namespace: 'x', name: 'deny-all' },
      { namespace: 'x', name: 'web' },
    ],
    admittedBy: [
      { policy: { namespace: 'x', name: 'web' }, rule: 1, peer: 1, port: 1 },
      { policy: { namespace: 'x', name: 'web' }, rule: 2, peer: 'anyPeer', port: 0 },
    ],
    allowed: true,
  });
  assert.deepEqual(verdict.egress, {
    direction: 'egress',
    decision: 'notIsolated',
    applies: true,
    isolatedBy: [],
    admittedBy: [],
    allowed: true,
  });
});

test('a denied direction lists the isolating policies and no admitting rule', () => {
  const verdict = engineWith(manifest('deny-egress', { podSelector: {}, policyTypes: ['Egress'] })).verdict(
    traffic('x/a', 'y/a'),
  );
  assert.equal(verdict.allowed, false);
  assert.equal(verdict.egress.decision, 'denied');
  assert.deepEqual(verdict.egress.isolatedBy, [{ namespace: 'x', name: 'deny-egress' }]);
  assert.deepEqual(verdict.egress.admittedBy, []);
  assert.equal(verdict.ingress.allowed, true);
});

test('a direction does not apply to an address or a hostNetwork pod, and says why', () => {
  const engine = engineWith(manifest('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
  const toOutside = engine.verdict(traffic('x/a', '203.0.113.1'));
  assert.equal(toOutside.ingress.decision, 'notAPod');
  assert.equal(toOutside.ingress.applies, false);
  assert.equal(toOutside.egress.decision, 'denied');
  const fromHost = engine.verdict(traffic('kube-system/agent-2', 'y/a'));
  assert.equal(fromHost.egress.decision, 'hostNetwork');
  assert.equal(fromHost.egress.applies, false);
  assert.equal(fromHost.allowed, true);
});

test('own-node traffic is decided by the node rule while still naming the isolating policies', () => {
  const verdict = engineWith(manifest('deny', { podSelector: {} })).verdict(traffic('172.18.0.1', 'x/a'));
  assert.equal(verdict.ingress.decision, 'ownNode');
  assert.deepEqual(verdict.ingress.isolatedBy, [{ namespace: 'x', name: 'deny' }]);
  assert.equal(verdict.allowed, true);
});

test('a pod that is not in the cluster state (a probe pod) is judged by its own labels and namespace', () => {
  const engine = engineWith(
    manifest('from-b', {
      podSelector: {},
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
    }),
  );
  const probe = pod('x', 'probe-1', { pod: 'b' }, { ips: ['10.0.1.99'] });
  const stranger = pod('x', 'probe-2', { pod: 'q' }, { ips: ['10.0.1.98'] });
  const to = { kind: 'pod', pod: podNamed('x/a') } as const;
  assert.equal(
    engine.allows({ source: { kind: 'pod', pod: probe }, destination: to, port: 80, protocol: 'TCP' }),
    true,
  );
  assert.equal(
    engine.allows({ source: { kind: 'pod', pod: stranger }, destination: to, port: 80, protocol: 'TCP' }),
    false,
  );
  const probeTarget = pod('x', 'probe-3', { pod: 'z' }, { ips: ['10.0.1.97'] });
  const verdict = engine.verdict({
    source: { kind: 'pod', pod: stranger },
    destination: { kind: 'pod', pod: probeTarget },
    port: 80,
    protocol: 'TCP',
  });
  assert.deepEqual(verdict.ingress.isolatedBy, [{ namespace: 'x', name: 'from-b' }]);
  assert.equal(verdict.allowed, false);
});

test('policiesSelecting lists the policies that isolate a pod per direction, none for hostNetwork pods', () => {
  const state = cluster([
    policy(manifest('in', { podSelector: { matchLabels: { pod: 'a' } } })),
    policy(manifest('out', { podSelector: {}, policyTypes: ['Egress'] })),
    policy(manifest('host', { podSelector: {} }, 'kube-system')),
  ]);
  const engine = new PolicyEngine(state);
  assert.deepEqual(
    engine.policiesSelecting(podNamed('x/a'), 'ingress').map((p) => p.ref.name),
    ['in'],
  );
  assert.deepEqual(
    engine.policiesSelecting(podNamed('x/a'), 'egress').map((p) => p.ref.name),
    ['out'],
  );
  assert.deepEqual(engine.policiesSelecting(podNamed('x/b'), 'ingress'), []);
  assert.deepEqual(engine.policiesSelecting(podNamed('kube-system/agent'), 'ingress'), []);
});

test('an ipBlock with a text that is not a CIDR (state built without validation) matches nothing and is reported', () => {
  const broken = policy(
    manifest('ok', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }),
  );
  const rule = broken.ingress?.[0];
  assert.ok(rule);
  const engine = new PolicyEngine(
    cluster([
      {
        ...broken,
        ingress: [
          {
            ...rule,
            peers: { kind: 'peers', peers: [{ kind: 'ipBlock', cidr: '10.0.0.0/99', except: [] }] },
          },
        ],
      },
    ]),
  );
  assert.equal(engine.allows(traffic('y/a', 'x/a')), false);
  assert.equal(engine.problems.length, 1);
  assert.match(engine.problems[0] ?? '', /x\/ok: "10.0.0.0\/99" is not a CIDR/);
});

test('verdict(t).allowed === allows(t) over 600 seeded random queries, cold and warm cache', () => {
  const { state } = syntheticCluster({ namespaces: 6, pods: 120, nodes: 4, policies: 40, seed: 7 });
  const queries: Traffic[] = randomTraffic(state, 600, 8);
  const cold = new PolicyEngine(state);
  const fresh = new PolicyEngine(state);
  let allowed = 0;
  for (const query of queries) {
    const verdict = fresh.verdict(query);
    assert.equal(verdict.allowed, cold.allows(query), JSON.stringify(query));
    assert.equal(verdict.allowed, fresh.allows(query));
    assert.equal(verdict.allowed, verdict.egress.allowed && verdict.ingress.allowed);
    for (const direction of [verdict.egress, verdict.ingress]) {
      assert.equal(direction.allowed, direction.decision !== 'denied');
      assert.equal(direction.decision === 'admitted', direction.admittedBy.length > 0);
    }
    if (verdict.allowed) allowed++;
  }
  assert.ok(allowed > 60 && allowed < 540, `a useful mix of verdicts, got ${allowed} allowed of 600`);
});

test('a pod listed twice in the state or reached by its IP gets the same verdict', () => {
  const engine = engineWith(
    manifest('from-b', {
      podSelector: {},
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
    }),
  );
  const asPod = engine.allows(traffic('x/b', 'x/a'));
  const asAddress = engine.allows(traffic('10.0.1.2', '10.0.1.1'));
  assert.equal(asPod, true);
  assert.equal(asAddress, asPod);
  const other: Pod = podNamed('x/c');
  assert.equal(
    engine.allows({
      source: { kind: 'pod', pod: other },
      destination: { kind: 'address', ip: '10.0.1.1' },
      port: 80,
      protocol: 'TCP',
    }),
    false,
  );
});
