/**
 * A reproducible synthetic cluster for the model benchmark and the model's randomized
 * tests: namespaces, pods (some hostNetwork), nodes and a mix of policies built through
 * `buildPolicy`, all drawn from a seeded PRNG.
 */
import type {
  ClusterState,
  ContainerPort,
  LabelSelectorManifest,
  Namespace,
  NetworkPolicy,
  NetworkPolicyManifest,
  NetworkPolicyPeerManifest,
  NetworkPolicyPortManifest,
  Node,
  Pod,
  Protocol,
  Traffic,
  TrafficEndpoint,
} from '../src/policy/index.js';
import { buildPolicy } from '../src/policy/index.js';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticSize {
  readonly namespaces: number;
  readonly pods: number;
  readonly nodes: number;
  readonly policies: number;
  readonly seed: number;
}

const TEAMS = ['payments', 'search', 'platform', 'data', 'web'];
const ENVS = ['prod', 'staging', 'dev'];
const ROLES = ['web', 'api', 'db', 'cache', 'worker'];
const APPS = 20;
const PORTS: readonly ContainerPort[] = [
  { name: 'http', port: 80, protocol: 'TCP' },
  { name: 'metrics', port: 9090, protocol: 'TCP' },
  { name: 'dns', port: 53, protocol: 'UDP' },
];
const GRPC: ContainerPort = { name: 'grpc', port: 50051, protocol: 'TCP' };
export const TRAFFIC_PORTS = [80, 9090, 53, 8050, 443, 50051];
export const OUTSIDE_ADDRESSES = ['192.0.2.10', '198.51.100.7', '203.0.113.99', '2001:db8::5'];

export interface SyntheticCluster {
  readonly state: ClusterState;
  readonly manifests: readonly NetworkPolicyManifest[];
}

export function syntheticCluster(size: SyntheticSize): SyntheticCluster {
  const random = seededRandom(size.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const namespaces: Namespace[] = Array.from({ length: size.namespaces }, (_, i) => ({
    name: `ns-${i}`,
    labels: {
      team: TEAMS[i % TEAMS.length] as string,
      env: pick(ENVS),
      ...(random() < 0.3 ? { monitored: 'true' } : {}),
    },
  }));
  const nodes: Node[] = Array.from({ length: size.nodes }, (_, i) => ({
    name: `node-${i}`,
    labels: {},
    addresses: [`172.16.${i >> 8}.${i & 255}`],
  }));
  const pods: Pod[] = Array.from({ length: size.pods }, (_, i) => {
    const node = nodes[i % nodes.length] as Node;
    const hostNetwork = random() < 0.02;
    const labels: Record<string, string> = { app: `app-${Math.floor(random() * APPS)}`, role: pick(ROLES) };
    if (random() < 0.6) labels.version = pick(['v1', 'v2']);
    return {
      namespace: (namespaces[i % namespaces.length] as Namespace).name,
      name: `pod-${i}`,
      labels,
      ips: hostNetwork ? [...node.addresses] : [`10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`],
      nodeName: node.name,
      hostNetwork,
      ports: random() < 0.3 ? [...PORTS, GRPC] : PORTS,
    };
  });
  const manifests = Array.from({ length: size.policies }, (_, i) =>
    randomPolicy(i, namespaces, random, pick),
  );
  const policies = manifests.map((m): NetworkPolicy => {
    const built = buildPolicy(m);
    if (!built.ok)
      throw new Error(`synthetic policy ${m.metadata.name} is invalid: ${JSON.stringify(built.errors)}`);
    return built.policy;
  });
  return { state: { namespaces, pods, nodes, services: [], policies }, manifests };
}

function randomPolicy(
  index: number,
  namespaces: readonly Namespace[],
  random: () => number,
  pick: <T>(list: readonly T[]) => T,
): NetworkPolicyManifest {
  const podSelector = (): LabelSelectorManifest => {
    const r = random();
    if (r < 0.25) return {};
    if (r < 0.6) return { matchLabels: { app: `app-${Math.floor(random() * APPS)}` } };
    if (r < 0.85)
      return { matchExpressions: [{ key: 'role', operator: 'In', values: [pick(ROLES), pick(ROLES)] }] };
    return { matchExpressions: [{ key: 'version', operator: 'NotIn', values: ['v1'] }] };
  };
  const namespaceSelector = (): LabelSelectorManifest => {
    const r = random();
    if (r < 0.2) return {};
    if (r < 0.6) return { matchLabels: { team: pick(TEAMS) } };
    if (r < 0.8) return { matchLabels: { 'kubernetes.io/metadata.name': pick(namespaces).name } };
    return { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] };
  };
  const peer = (): NetworkPolicyPeerManifest => {
    const r = random();
    if (r < 0.35) return { podSelector: podSelector() };
    if (r < 0.55) return { namespaceSelector: namespaceSelector() };
    if (r < 0.8) return { namespaceSelector: namespaceSelector(), podSelector: podSelector() };
    if (r < 0.9) return { ipBlock: { cidr: '10.1.0.0/16', except: ['10.1.2.0/24'] } };
    return { ipBlock: { cidr: pick(['192.0.2.0/24', '203.0.113.0/25', '172.16.0.0/24', '2001:db8::/32']) } };
  };
  const ports = (): NetworkPolicyPortManifest[] | undefined => {
    const r = random();
    if (r < 0.3) return undefined;
    if (r < 0.5) return [{ port: 80 }];
    if (r < 0.6) return [{ port: 'http' }, { port: 'metrics' }];
    if (r < 0.7) return [{ port: 8000, endPort: 8100 }];
    if (r < 0.8)
      return [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ];
    if (r < 0.9) return [{}];
    return [{ port: 'grpc' }, { port: 443 }];
  };
  const rules = (): { from?: NetworkPolicyPeerManifest[]; ports?: NetworkPolicyPortManifest[] }[] =>
    Array.from({ length: Math.floor(random() * 3) }, () => {
      const peers = random() < 0.15 ? undefined : Array.from({ length: 1 + Math.floor(random() * 3) }, peer);
      const p = ports();
      return { ...(peers ? { from: peers } : {}), ...(p ? { ports: p } : {}) };
    });
  const kind = random();
  const types = kind < 0.6 ? ['Ingress'] : kind < 0.75 ? ['Egress'] : ['Ingress', 'Egress'];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `policy-${index}`, namespace: pick(namespaces).name },
    spec: {
      podSelector: podSelector(),
      policyTypes: types,
      ...(types.includes('Ingress') ? { ingress: rules() } : {}),
      ...(types.includes('Egress')
        ? {
            egress: rules().map(({ from, ports: p }) => ({
              ...(from ? { to: from } : {}),
              ...(p ? { ports: p } : {}),
            })),
          }
        : {}),
    },
  };
}

/** `count` queries between random pods, nodes and outside addresses, built up front. */
export function randomTraffic(state: ClusterState, count: number, seed: number): Traffic[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const endpoint = (asDestination: boolean): TrafficEndpoint => {
    const r = random();
    if (r < 0.88) return { kind: 'pod', pod: pick(state.pods) };
    if (r < 0.93) return { kind: 'address', ip: pick(OUTSIDE_ADDRESSES) };
    if (r < 0.97 || !asDestination) return { kind: 'address', ip: pick(pick(state.nodes).addresses) };
    return { kind: 'address', ip: pick(pick(state.pods).ips) ?? '10.9.9.9' };
  };
  const protocol = (): Protocol => {
    const r = random();
    return r < 0.85 ? 'TCP' : r < 0.97 ? 'UDP' : 'SCTP';
  };
  return Array.from({ length: count }, () => ({
    source: endpoint(false),
    destination: endpoint(true),
    port: pick(TRAFFIC_PORTS),
    protocol: protocol(),
  }));
}
