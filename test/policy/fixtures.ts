/**
 * A small cluster for spec tables (cyclonus' x/y/z namespaces with pods a, b, c) and
 * helpers to state policies as manifests, the way users write them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  ClusterState,
  ContainerPort,
  Labels,
  Namespace,
  NetworkPolicy,
  NetworkPolicyManifest,
  Node,
  Pod,
  Protocol,
  Traffic,
  TrafficEndpoint,
} from '../../src/policy/index.js';
import { buildPolicy, PolicyEngine } from '../../src/policy/index.js';

export const PORTS: readonly ContainerPort[] = [
  { name: 'http', port: 80, protocol: 'TCP' },
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'metrics', port: 9090, protocol: 'TCP' },
];

export const NAMESPACES: readonly Namespace[] = [
  { name: 'x', labels: { ns: 'x' } },
  { name: 'y', labels: { ns: 'y', team: 'ops' } },
  { name: 'z', labels: { ns: 'z' } },
];

export const NODES: readonly Node[] = [
  { name: 'node-1', labels: {}, addresses: ['172.18.0.1', 'fd00:18::1'] },
  { name: 'node-2', labels: {}, addresses: ['172.18.0.2', 'fd00:18::2'] },
];

export function pod(namespace: string, name: string, labels: Labels, overrides: Partial<Pod> = {}): Pod {
  return {
    namespace,
    name,
    labels,
    ips: [],
    hostNetwork: false,
    ports: PORTS,
    nodeName: 'node-1',
    ...overrides,
  };
}

/** x/a x/b x/c y/a y/b y/c z/a z/b z/c, labelled `pod: a|b|c`, at 10.0.N.M and fd00::N:M. */
export const PODS: readonly Pod[] = NAMESPACES.flatMap((ns, n) =>
  ['a', 'b', 'c'].map((name, m) =>
    pod(
      ns.name,
      name,
      { pod: name },
      {
        ips: [`10.0.${n + 1}.${m + 1}`, `fd00::${n + 1}:${m + 1}`],
        nodeName: m === 2 ? 'node-2' : 'node-1',
      },
    ),
  ),
);

export const HOST_NETWORK_POD = pod(
  'kube-system',
  'agent',
  { app: 'agent' },
  { hostNetwork: true, ips: ['172.18.0.1'], nodeName: 'node-1' },
);

/** A hostNetwork pod on node-2 that lists no IP: it has its node's addresses. */
export const HOST_NETWORK_POD_2 = pod(
  'kube-system',
  'agent-2',
  { app: 'agent' },
  { hostNetwork: true, ips: [], nodeName: 'node-2' },
);

export function podNamed(key: string): Pod {
  const found = [...PODS, HOST_NETWORK_POD, HOST_NETWORK_POD_2].find(
    (p) => `${p.namespace}/${p.name}` === key,
  );
  if (found === undefined) throw new Error(`no pod ${key} in the fixture`);
  return found;
}

/** Builds a manifest, failing the test on validation errors. */
export function policy(m: NetworkPolicyManifest, defaultNamespace = 'x'): NetworkPolicy {
  const built = buildPolicy(m, defaultNamespace);
  if (!built.ok) throw new Error(`fixture policy is invalid: ${JSON.stringify(built.errors)}`);
  return built.policy;
}

/** `metadata` and `spec` from a name and a spec, the way a table row reads. */
export function manifest(
  name: string,
  spec: NetworkPolicyManifest['spec'],
  namespace = 'x',
): NetworkPolicyManifest {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export function cluster(policies: readonly NetworkPolicy[], extra: Partial<ClusterState> = {}): ClusterState {
  return {
    namespaces: NAMESPACES,
    pods: [...PODS, HOST_NETWORK_POD, HOST_NETWORK_POD_2],
    nodes: NODES,
    services: [],
    policies,
    ...extra,
  };
}

export function engineWith(...specs: NetworkPolicyManifest[]): PolicyEngine {
  return new PolicyEngine(cluster(specs.map((m) => policy(m))));
}

/** `x/a` is a pod of the fixture; anything with a `.` or `:` is an address. */
export function endpoint(text: string): TrafficEndpoint {
  return /[.:]/.test(text) ? { kind: 'address', ip: text } : { kind: 'pod', pod: podNamed(text) };
}

export function traffic(from: string, to: string, port = 80, protocol: Protocol = 'TCP'): Traffic {
  return { source: endpoint(from), destination: endpoint(to), port, protocol };
}

/** One row of a spec table: the policies in force, the traffic, and what the spec says. */
export interface SpecCase {
  readonly rule: string;
  readonly policies: readonly NetworkPolicyManifest[];
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly protocol?: Protocol;
  readonly allowed: boolean;
}

/** One test per row, titled by the rule; checks `allows` and `verdict` agree with the spec. */
export function specTable(cases: readonly SpecCase[]): void {
  for (const row of cases) {
    test(`spec: ${row.rule}`, () => {
      const engine = engineWith(...row.policies);
      const query = traffic(row.from, row.to, row.port ?? 80, row.protocol ?? 'TCP');
      assert.equal(engine.allows(query), row.allowed, `allows(${row.from} -> ${row.to})`);
      assert.equal(engine.verdict(query).allowed, row.allowed, `verdict(${row.from} -> ${row.to})`);
    });
  }
}
