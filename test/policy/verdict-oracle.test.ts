/**
 * The indexed, cached engine against a direct reading of the spec over the model types,
 * for traffic between pods on the pod network (no addresses, nodes or hostNetwork pods).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  ClusterState,
  Direction,
  NetworkPolicy,
  Peer,
  Pod,
  PortRule,
  Traffic,
} from '../../src/policy/index.js';
import { matchesSelector, PolicyEngine } from '../../src/policy/index.js';
import { cidrContains, parseCidr, parseIp } from '../../src/shared/index.js';
import { randomTraffic, syntheticCluster } from '../../bench/synthetic-cluster.js';

function namespaceLabels(state: ClusterState, name: string): Record<string, string> {
  const found = state.namespaces.find((ns) => ns.name === name);
  return { ...found?.labels, 'kubernetes.io/metadata.name': name };
}

function peerMatches(state: ClusterState, peer: Peer, other: Pod): boolean {
  if (peer.kind === 'ipBlock') {
    const address = parseIp(other.ips[0] ?? '');
    const inBlock = (text: string): boolean => {
      const block = parseCidr(text);
      return block.ok && address !== undefined && cidrContains(block.cidr, address);
    };
    return inBlock(peer.cidr) && !peer.except.some(inBlock);
  }
  const ns = peer.namespaces;
  const inNamespace =
    ns.kind === 'all' ||
    (ns.kind === 'own'
      ? other.namespace === ns.namespace
      : matchesSelector(ns.selector, namespaceLabels(state, other.namespace)));
  return inNamespace && (peer.pods.kind === 'all' || matchesSelector(peer.pods.selector, other.labels));
}

function portMatches(rule: PortRule, destination: Pod, port: number, protocol: string): boolean {
  if (rule.protocol !== protocol) return false;
  if (rule.kind === 'allPortsOf') return true;
  if (rule.kind === 'number') return port >= rule.port && port <= (rule.endPort ?? rule.port);
  return destination.ports.some((p) => p.name === rule.name && p.protocol === protocol && p.port === port);
}

function directionAllows(
  state: ClusterState,
  direction: Direction,
  target: Pod,
  other: Pod,
  destination: Pod,
  t: Traffic,
): boolean {
  const rulesOf = (p: NetworkPolicy) => (direction === 'ingress' ? p.ingress : p.egress);
  const isolating = state.policies.filter(
    (p) =>
      rulesOf(p) !== undefined &&
      p.target.namespace === target.namespace &&
      matchesSelector(p.target.podSelector, target.labels),
  );
  if (isolating.length === 0) return true;
  return isolating.some((p) =>
    (rulesOf(p) ?? []).some(
      (rule) =>
        (rule.peers.kind === 'anyPeer' || rule.peers.peers.some((peer) => peerMatches(state, peer, other))) &&
        (rule.ports.kind === 'anyPort' ||
          rule.ports.ports.some((r) => portMatches(r, destination, t.port, t.protocol))),
    ),
  );
}

test('spec: the indexed engine agrees with a direct reading of the policies on 2,000 pod-to-pod queries', () => {
  const { state: full } = syntheticCluster({ namespaces: 10, pods: 300, nodes: 5, policies: 80, seed: 99 });
  const state: ClusterState = { ...full, pods: full.pods.filter((p) => !p.hostNetwork) };
  const engine = new PolicyEngine(state);
  const queries = randomTraffic(state, 6000, 100)
    .filter((t) => t.source.kind === 'pod' && t.destination.kind === 'pod')
    .slice(0, 2000);
  assert.equal(queries.length, 2000);
  let allowed = 0;
  for (const t of queries) {
    if (t.source.kind !== 'pod' || t.destination.kind !== 'pod') continue;
    const src = t.source.pod;
    const dst = t.destination.pod;
    const expected =
      directionAllows(state, 'egress', src, dst, dst, t) &&
      directionAllows(state, 'ingress', dst, src, dst, t);
    assert.equal(
      engine.allows(t),
      expected,
      `${src.namespace}/${src.name} -> ${dst.namespace}/${dst.name}:${t.port}/${t.protocol}`,
    );
    if (expected) allowed++;
  }
  assert.ok(allowed > 200 && allowed < 1800, `a useful mix of verdicts, got ${allowed} allowed`);
});
