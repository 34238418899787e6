/**
 * Cluster policies for spec tables, on the x/y/z fixture of fixtures.ts: manifests written
 * the way users write them, built through `buildClusterPolicy`, and one test per row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  ClusterPolicy,
  ClusterState,
  NetworkPolicyManifest,
  Node,
  PolicyVerdict,
  Protocol,
  Tier,
} from '../../src/policy/index.js';
import { buildClusterPolicy, PolicyEngine } from '../../src/policy/index.js';
import { cluster, policy, traffic } from './fixtures.js';

export type Json = Record<string, unknown>;

/** node-1 is labelled `role: control-plane`; node-2 has no labels. */
export const LABELLED_NODES: readonly Node[] = [
  { name: 'node-1', labels: { role: 'control-plane' }, addresses: ['172.18.0.1', 'fd00:18::1'] },
  { name: 'node-2', labels: {}, addresses: ['172.18.0.2', 'fd00:18::2'] },
];

export function cnp(name: string, tier: 'Admin' | 'Baseline', priority: number, spec: Json): Json {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    kind: 'ClusterNetworkPolicy',
    metadata: { name },
    spec: { tier, priority, ...spec },
  };
}

export function anp(name: string, priority: number, spec: Json): Json {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name },
    spec: { priority, ...spec },
  };
}

export function banp(spec: Json, name = 'default'): Json {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'BaselineAdminNetworkPolicy',
    metadata: { name },
    spec,
  };
}

/** Subjects and peers by the fixture's labels (`ns: x`, `pod: a`). */
export const ALL_NAMESPACES: Json = { namespaces: {} };
export function inNamespace(ns: string): Json {
  return { namespaces: { matchLabels: { ns } } };
}
export function podIn(ns: string, pod: string): Json {
  return { pods: { namespaceSelector: { matchLabels: { ns } }, podSelector: { matchLabels: { pod } } } };
}

/** A rule: `action` from/to `peers`, optionally on ports (v1alpha1) or protocols (v1alpha2). */
export function rule(
  action: string,
  peers: Json[],
  extra: Json = {},
  direction: 'ingress' | 'egress' = 'ingress',
): Json {
  return { action, [direction === 'ingress' ? 'from' : 'to']: peers, ...extra };
}

export function clusterPolicy(m: Json): ClusterPolicy {
  const built = buildClusterPolicy(m);
  if (!built.ok) throw new Error(`fixture cluster policy is invalid: ${JSON.stringify(built.errors)}`);
  return built.policy;
}

export interface TieredState {
  readonly networkPolicies?: readonly NetworkPolicyManifest[];
  readonly clusterPolicies: readonly Json[];
  readonly extra?: Partial<ClusterState>;
}

export function tieredState({
  networkPolicies = [],
  clusterPolicies,
  extra = {},
}: TieredState): ClusterState {
  return cluster(
    networkPolicies.map((m) => policy(m)),
    { nodes: LABELLED_NODES, clusterPolicies: clusterPolicies.map(clusterPolicy), ...extra },
  );
}

export function tieredEngine(state: TieredState): PolicyEngine {
  return new PolicyEngine(tieredState(state));
}

export interface TierCase extends TieredState {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly protocol?: Protocol;
  readonly allowed: boolean;
  /** The tier whose answer stood, per direction, when the row states it. */
  readonly egressBy?: Tier | 'default';
  readonly ingressBy?: Tier | 'default';
}

/** One test per row, titled by the spec rule; `allows` and `verdict` must agree. */
export function tierTable(cases: readonly TierCase[]): void {
  for (const row of cases) {
    test(row.rule, () => {
      const engine = tieredEngine(row);
      const query = traffic(row.from, row.to, row.port ?? 80, row.protocol ?? 'TCP');
      const verdict: PolicyVerdict = engine.verdict(query);
      assert.equal(engine.allows(query), row.allowed, `allows(${row.from} -> ${row.to})`);
      assert.equal(verdict.allowed, row.allowed, `verdict(${row.from} -> ${row.to})`);
      if (row.egressBy !== undefined)
        assert.equal(verdict.egress.tiers?.decidedBy, row.egressBy, 'egress decided by');
      if (row.ingressBy !== undefined)
        assert.equal(verdict.ingress.tiers?.decidedBy, row.ingressBy, 'ingress decided by');
    });
  }
}
