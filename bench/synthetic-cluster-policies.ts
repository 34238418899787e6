/**
 * Reproducible cluster policies for a synthetic cluster (synthetic-cluster.ts): a mix of
 * v1alpha2 ClusterNetworkPolicies in both tiers, v1alpha1 AdminNetworkPolicies and the
 * BaselineAdminNetworkPolicy, built through `buildClusterPolicy` from seeded manifests.
 */
import type { ClusterPolicy, ClusterState } from '../src/policy/index.js';
import { buildClusterPolicy } from '../src/policy/index.js';
import { seededRandom } from './synthetic-cluster.js';

type Json = Record<string, unknown>;

const TEAMS = ['payments', 'search', 'platform', 'data', 'web'];
const ROLES = ['web', 'api', 'db', 'cache', 'worker'];

export function syntheticClusterPolicies(count: number, state: ClusterState, seed: number): ClusterPolicy[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const namespaceSelector = (): Json => {
    const r = random();
    if (r < 0.2) return {};
    if (r < 0.7) return { matchLabels: { team: pick(TEAMS) } };
    return { matchLabels: { 'kubernetes.io/metadata.name': pick(state.namespaces).name } };
  };
  const podSelector = (): Json =>
    random() < 0.5
      ? { matchLabels: { role: pick(ROLES) } }
      : { matchLabels: { app: `app-${Math.floor(random() * 20)}` } };
  const podsOrNamespaces = (): Json =>
    random() < 0.5
      ? { namespaces: namespaceSelector() }
      : { pods: { namespaceSelector: namespaceSelector(), podSelector: podSelector() } };
  const egressPeer = (): Json => {
    const r = random();
    if (r < 0.6) return podsOrNamespaces();
    if (r < 0.85) return { networks: [pick(['10.1.0.0/16', '192.0.2.0/24', '0.0.0.0/0', '2001:db8::/32'])] };
    return { nodes: random() < 0.5 ? {} : { matchLabels: { zone: 'a' } } };
  };
  const v1alpha1Ports = (named: boolean): Json => {
    const r = random();
    if (r < 0.4) return {};
    if (r < 0.6) return { ports: [{ portNumber: { port: pick([80, 443, 9090]) } }] };
    if (r < 0.8) return { ports: [{ portRange: { protocol: pick(['TCP', 'UDP']), start: 50, end: 9000 } }] };
    return named ? { ports: [{ namedPort: pick(['http', 'metrics', 'grpc']) }] } : {};
  };
  const v1alpha2Protocols = (named: boolean): Json => {
    const r = random();
    if (r < 0.4) return {};
    if (r < 0.6) return { protocols: [{ tcp: { destinationPort: { number: pick([80, 443, 9090]) } } }] };
    if (r < 0.8) return { protocols: [{ udp: { destinationPort: { range: { start: 50, end: 60 } } } }] };
    return named ? { protocols: [{ destinationNamedPort: pick(['http', 'metrics', 'grpc']) }] } : {};
  };
  const rules = (direction: 'ingress' | 'egress', actions: readonly string[], v1alpha1: boolean): Json[] =>
    Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => {
      const peers = Array.from({ length: 1 + Math.floor(random() * 2) }, () =>
        direction === 'ingress' ? podsOrNamespaces() : egressPeer(),
      );
      const onlyPods = peers.every((p) => 'pods' in p || 'namespaces' in p);
      return {
        name: `${direction}-${i}`,
        action: pick(actions),
        [direction === 'ingress' ? 'from' : 'to']: peers,
        ...(v1alpha1 ? v1alpha1Ports(onlyPods) : v1alpha2Protocols(onlyPods)),
      };
    });
  const spec = (actions: readonly string[], v1alpha1: boolean): Json => ({
    subject: podsOrNamespaces(),
    ...(random() < 0.8 ? { ingress: rules('ingress', actions, v1alpha1) } : {}),
    ...(random() < 0.6 ? { egress: rules('egress', actions, v1alpha1) } : {}),
  });
  const manifests: Json[] = Array.from({ length: count - 1 }, (_, i) => {
    const r = random();
    const priority = Math.floor(random() * 1001);
    if (r < 0.4)
      return {
        apiVersion: 'policy.networking.k8s.io/v1alpha2',
        kind: 'ClusterNetworkPolicy',
        metadata: { name: `admin-${i}` },
        spec: { tier: 'Admin', priority, ...spec(['Accept', 'Deny', 'Pass'], false) },
      };
    if (r < 0.7)
      return {
        apiVersion: 'policy.networking.k8s.io/v1alpha1',
        kind: 'AdminNetworkPolicy',
        metadata: { name: `anp-${i}` },
        spec: { priority, ...spec(['Allow', 'Deny', 'Pass'], true) },
      };
    return {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: `baseline-${i}` },
      spec: { tier: 'Baseline', priority, ...spec(['Accept', 'Deny'], false) },
    };
  });
  manifests.push({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'BaselineAdminNetworkPolicy',
    metadata: { name: 'default' },
    spec: { subject: { namespaces: {} }, ...spec(['Allow', 'Deny'], true) },
  });
  return manifests.map((m) => {
    const built = buildClusterPolicy(m);
    if (!built.ok) throw new Error(`synthetic cluster policy is invalid: ${JSON.stringify(built.errors)}`);
    return built.policy;
  });
}
