/**
 * Seeded random clusters and NetworkPolicies for the differential test: small label
 * vocabularies so selectors often match, ports that share names with different numbers
 * (named ports must resolve per pod), ipBlocks around pods and outside hosts, and port
 * ranges (`endPort`) where the API server has them, and the forms the API server
 * defaults or drops: policyTypes absent, null, `[]` or with a type twice; `ingress: []` /
 * `egress: []` beside rules; a rule's `from`/`to`/`ports` absent or `[]`; `ports: [{}]`;
 * empty selectors written four ways, and no podSelector at all. Every policy is one the
 * API server accepts; the differential test has the server store each one first.
 */
import type { ContainerPort } from '../../src/policy/cluster.js';
import type {
  LabelSelectorManifest,
  NetworkPolicyManifest,
  NetworkPolicyPeerManifest,
  NetworkPolicyPortManifest,
} from '../../src/policy/manifest.js';
import type { DesiredExternalHost, DesiredNamespace, DesiredPod } from '../../src/lab/data-plane/index.js';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  some<T>(items: readonly T[], max: number): T[] {
    const pool = [...items];
    const count = this.int(1, Math.min(max, pool.length));
    const chosen: T[] = [];
    for (let i = 0; i < count; i++)
      chosen.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0] as T);
    return chosen;
  }
}

export interface RandomCluster {
  readonly namespaces: readonly DesiredNamespace[];
  readonly pods: readonly DesiredPod[];
  readonly externalHosts: readonly DesiredExternalHost[];
}

const NAMESPACES = ['alpha', 'beta', 'gamma'];
const NAMESPACE_LABELS: Record<string, readonly string[]> = { team: ['red', 'blue'], env: ['prod', 'dev'] };
const POD_LABELS: Record<string, readonly string[]> = { app: ['web', 'api', 'db'], tier: ['front', 'back'] };
const PORTS: readonly ContainerPort[] = [
  { name: 'http', port: 80, protocol: 'TCP' },
  { name: 'http', port: 8081, protocol: 'TCP' },
  { name: 'https', port: 443, protocol: 'TCP' },
  { name: 'alt', port: 8080, protocol: 'TCP' },
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'dns', port: 5353, protocol: 'UDP' },
  { name: 'syslog', port: 514, protocol: 'UDP' },
];

function labelsFrom(
  rng: Rng,
  vocabulary: Record<string, readonly string[]>,
  p: number,
): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, values] of Object.entries(vocabulary)) if (rng.chance(p)) labels[key] = rng.pick(values);
  return labels;
}

export function randomCluster(rng: Rng, seed: number): RandomCluster {
  const namespaces = NAMESPACES.map((name) => ({ name, labels: labelsFrom(rng, NAMESPACE_LABELS, 0.6) }));
  const podCount = rng.int(7, 9);
  const pinned = new Set<string>();
  const pods = Array.from({ length: podCount }, (_, index): DesiredPod => {
    const ports: ContainerPort[] = [];
    for (const port of rng.some(PORTS, 2)) {
      if (!ports.some((p) => p.port === port.port || p.name === port.name)) ports.push(port);
    }
    let annotations: Record<string, string> | undefined;
    if (rng.chance(0.3)) {
      const ip = `198.18.${rng.int(100, 103)}.${rng.int(1, 254)}`;
      if (!pinned.has(ip)) {
        pinned.add(ip);
        annotations = { 'netpol-assert.io/ip': ip };
      }
    }
    return {
      namespace: rng.pick(NAMESPACES),
      name: `p${index}`,
      uid: `seed${seed}-pod${index}`,
      labels: labelsFrom(rng, POD_LABELS, 0.7),
      ...(annotations === undefined ? {} : { annotations }),
      nodeName: rng.pick(['node-a', 'node-b']),
      ports,
    };
  });
  const externalHosts: DesiredExternalHost[] = [
    {
      name: 'ext1',
      address: `203.0.113.${rng.int(1, 30)}`,
      ports: [
        { port: 80, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
    },
  ];
  if (rng.chance(0.6)) {
    externalHosts.push({
      name: 'ext2',
      address: `198.51.100.${rng.int(100, 200)}`,
      ports: [
        { port: 443, protocol: 'TCP' },
        { port: 514, protocol: 'UDP' },
      ],
    });
  }
  return { namespaces, pods, externalHosts };
}

/** Every way of writing "all": the API server stores each as `{}`. */
const EMPTY_SELECTORS: readonly LabelSelectorManifest[] = [
  {},
  { matchLabels: {} },
  { matchExpressions: [] },
  { matchLabels: {}, matchExpressions: [] },
];

function randomSelector(rng: Rng, vocabulary: Record<string, readonly string[]>): LabelSelectorManifest {
  const key = rng.pick(Object.keys(vocabulary));
  const values = vocabulary[key] ?? [];
  const roll = rng.next();
  if (roll < 0.2) return structuredClone(rng.pick(EMPTY_SELECTORS));
  if (roll < 0.55) return { matchLabels: { [key]: rng.pick(values) } };
  const operator = rng.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
  const expression =
    operator === 'In' || operator === 'NotIn'
      ? { key, operator, values: rng.some(values, 2) }
      : { key, operator };
  return rng.chance(0.3)
    ? { matchLabels: { [key]: rng.pick(values) }, matchExpressions: [expression] }
    : { matchExpressions: [expression] };
}

function randomNamespaceSelector(rng: Rng): LabelSelectorManifest {
  return rng.chance(0.2)
    ? { matchLabels: { 'kubernetes.io/metadata.name': rng.pick(NAMESPACES) } }
    : randomSelector(rng, NAMESPACE_LABELS);
}

/** Addresses the generated ipBlocks are built around. */
export interface BlockAnchors {
  readonly podIps: readonly string[];
  readonly outsideIps: readonly string[];
}

function randomIpBlock(rng: Rng, anchors: BlockAnchors): { cidr: string; except?: string[] } {
  const podIp = rng.pick(anchors.podIps);
  const outsideIp = rng.pick(anchors.outsideIps);
  const [a, b, c] = podIp.split('.');
  const [x, y, z] = outsideIp.split('.');
  return rng.pick([
    () => ({ cidr: `${x}.${y}.${z}.0/24` }),
    () => ({ cidr: `${x}.${y}.${z}.0/24`, except: [`${outsideIp}/32`] }),
    () => ({ cidr: `${outsideIp}/32` }),
    () => ({ cidr: '0.0.0.0/0', except: [`${x}.${y}.${z}.0/24`] }),
    () => ({ cidr: '198.18.0.0/16', except: [`${podIp}/32`] }),
    () => ({ cidr: `${podIp}/32` }),
    () => ({ cidr: `${a}.${b}.${c}.0/24`, except: [`${a}.${b}.${c}.0/25`] }),
    () => ({ cidr: '198.19.0.0/24' }),
  ])();
}

function randomPeer(rng: Rng, anchors: BlockAnchors): NetworkPolicyPeerManifest {
  switch (rng.int(0, 3)) {
    case 0:
      return { podSelector: randomSelector(rng, POD_LABELS) };
    case 1:
      return { namespaceSelector: randomNamespaceSelector(rng) };
    case 2:
      return {
        namespaceSelector: randomNamespaceSelector(rng),
        podSelector: randomSelector(rng, POD_LABELS),
      };
    default:
      return { ipBlock: randomIpBlock(rng, anchors) };
  }
}

export interface PolicyOptions {
  /**
   * Whether rules may carry `endPort` (Kubernetes 1.25+). Without, a range draw keeps
   * only its start, so one seed gives the same clusters and policies on every version
   * but for the ranges.
   */
  readonly portRanges: boolean;
}

function randomPort(rng: Rng, options: PolicyOptions): NetworkPolicyPortManifest {
  const port = rng.pick(PORTS);
  return rng.pick<() => NetworkPolicyPortManifest>([
    () => ({
      port: port.port,
      ...(port.protocol === 'TCP' && rng.chance(0.5) ? {} : { protocol: port.protocol }),
    }),
    () => ({ port: port.name ?? 'http', protocol: port.protocol }),
    () => ({ port: port.name ?? 'http' }),
    () => {
      const start = rng.pick([53, 80, 443, 514]);
      const endPort = rng.pick([600, 8080, 9000]);
      return options.portRanges
        ? { port: start, endPort, protocol: port.protocol }
        : { port: start, protocol: port.protocol };
    },
    () => ({ protocol: port.protocol }),
    () => ({ protocol: 'SCTP', port: port.port }),
    // Every TCP port: the server writes `protocol: TCP` in.
    () => ({}),
  ])();
}

function randomList<T>(rng: Rng, make: () => T): T[] | undefined {
  const roll = rng.next();
  if (roll < 0.25) return undefined;
  if (roll < 0.35) return [];
  return Array.from({ length: rng.int(1, 2) }, make);
}

/**
 * Absent, null and `[]` are all defaulted by the API server (`len(policyTypes) == 0`):
 * Ingress, plus Egress when the policy has egress rules. A type listed twice is valid.
 */
const POLICY_TYPES: readonly (readonly string[] | null | undefined)[] = [
  undefined,
  undefined,
  null,
  [],
  [],
  ['Ingress'],
  ['Egress'],
  ['Ingress', 'Egress'],
  ['Egress', 'Ingress'],
  ['Egress', 'Egress'],
];

export function randomPolicies(
  rng: Rng,
  anchors: BlockAnchors,
  options: PolicyOptions,
): NetworkPolicyManifest[] {
  return Array.from({ length: rng.int(1, 4) }, (_, index) => {
    const rule = () => ({
      peers: randomList(rng, () => randomPeer(rng, anchors)),
      ports: randomList(rng, () => randomPort(rng, options)),
    });
    const rules = () =>
      rng.chance(0.15) ? undefined : rng.chance(0.18) ? [] : Array.from({ length: rng.int(1, 2) }, rule);
    const ingress = rules();
    const egress = rules();
    const policyTypes = rng.pick(POLICY_TYPES);
    const podSelector = rng.chance(0.1) ? undefined : randomSelector(rng, POD_LABELS);
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `policy-${index}`, namespace: rng.pick(NAMESPACES) },
      spec: {
        ...(podSelector === undefined ? {} : { podSelector }),
        ...(policyTypes === undefined ? {} : { policyTypes: policyTypes === null ? null : [...policyTypes] }),
        ...(ingress === undefined
          ? {}
          : {
              ingress: ingress.map((r) => ({
                ...(r.peers === undefined ? {} : { from: r.peers }),
                ...(r.ports === undefined ? {} : { ports: r.ports }),
              })),
            }),
        ...(egress === undefined
          ? {}
          : {
              egress: egress.map((r) => ({
                ...(r.peers === undefined ? {} : { to: r.peers }),
                ...(r.ports === undefined ? {} : { ports: r.ports }),
              })),
            }),
      },
    };
  });
}
