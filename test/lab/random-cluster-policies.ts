/**
 * Seeded random cluster policies for the differential test (policy.networking.k8s.io):
 * v1alpha2 ClusterNetworkPolicy in both tiers and v1alpha1 AdminNetworkPolicy and the
 * BaselineAdminNetworkPolicy `default`, with priorities that sometimes tie, every action
 * of each kind (Accept/Allow, Deny, Pass), subjects by namespaces or by pods, ingress peers
 * by namespaces or pods, egress peers also by networks (CIDRs around pods, nodes and
 * outside hosts) and nodes (by the nodes' labels), and ports by number, by range and by
 * name, written in each version's spelling (v1alpha1 `ports`, with `protocol` sometimes
 * left to its default; v1alpha2 `protocols`).
 *
 * Every object is one the model accepts and the lab's CRDs store: never a named port in a
 * rule with a networks or nodes peer (the CEL rule), a v1alpha2 range always has start
 * below end, and a v1alpha1 pods peer always has its namespaceSelector. The same small
 * label vocabularies as random-cluster.ts, so selectors often match.
 *
 * The cluster around them gets what only cluster policies can tell apart: labelled
 * nodes and a host-network pod on some nodes (never a subject, matched by `nodes` and
 * `networks` peers only).
 */
import type { ClusterPolicyObject } from '../../src/lab/enforcer/index.js';
import type { DesiredNode, DesiredPod } from '../../src/lab/data-plane/index.js';
import type { ContainerPort, Labels } from '../../src/policy/cluster.js';
import type { LabelSelectorManifest } from '../../src/policy/manifest.js';
import type { BlockAnchors, RandomCluster, Rng } from './random-cluster.js';

const GROUP = 'policy.networking.k8s.io';
const NAMESPACES = ['alpha', 'beta', 'gamma'];
const NAMESPACE_LABELS: Record<string, readonly string[]> = { team: ['red', 'blue'], env: ['prod', 'dev'] };
const POD_LABELS: Record<string, readonly string[]> = { app: ['web', 'api', 'db'], tier: ['front', 'back'] };
const NODE_LABELS: Record<string, readonly string[]> = { zone: ['east', 'west'], role: ['edge', 'core'] };
/** The container port names random-cluster.ts declares (two of them on two numbers), and one no pod has. */
const PORT_NAMES = ['http', 'https', 'alt', 'dns', 'syslog', 'metrics'];
const NODE_NAMES = ['node-a', 'node-b'];

/** The ports a host-network pod listens on, in its node's namespace. */
const HOST_PORTS: readonly ContainerPort[] = [
  { name: 'http', port: 80, protocol: 'TCP' },
  { name: 'alt', port: 8080, protocol: 'TCP' },
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'syslog', port: 514, protocol: 'UDP' },
];

/** The two nodes, labelled from a small vocabulary (sometimes alike, sometimes not at all). */
export function randomNodes(rng: Rng): DesiredNode[] {
  return NODE_NAMES.map((name) => ({ name, labels: labelsFrom(rng, NODE_LABELS, 0.8) }));
}

/**
 * The cluster with a host-network pod on its nodes (mostly both; at most one per node:
 * they share its ports), so that `nodes` and `networks` peers have node addresses to match.
 */
export function withHostNetworkPods(rng: Rng, cluster: RandomCluster, seed: number): RandomCluster {
  const hostPods = NODE_NAMES.filter(() => rng.chance(0.85)).map((nodeName, index): DesiredPod => ({
    namespace: rng.pick(NAMESPACES),
    name: `host${index}`,
    uid: `seed${seed}-host${index}`,
    labels: labelsFrom(rng, POD_LABELS, 0.7),
    nodeName,
    hostNetwork: true,
    ports: rng.some(HOST_PORTS, 2),
  }));
  return { ...cluster, pods: [...cluster.pods, ...hostPods] };
}

/** Where the networks peers' CIDRs are drawn around. */
export interface ClusterPolicyAnchors extends BlockAnchors {
  readonly nodeIps: readonly string[];
}

type Json = Record<string, unknown>;
type Kind = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
type Direction = 'ingress' | 'egress';

/** How one kind is written: its version, tier, actions and port list. */
interface Dialect {
  readonly kind: Kind;
  readonly version: 'v1alpha1' | 'v1alpha2';
  readonly plural: string;
  readonly tier?: 'Admin' | 'Baseline';
  readonly actions: readonly string[];
}

const CNP = (tier: 'Admin' | 'Baseline'): Dialect => ({
  kind: 'ClusterNetworkPolicy',
  version: 'v1alpha2',
  plural: 'clusternetworkpolicies',
  tier,
  actions: ['Accept', 'Deny', 'Pass'],
});
const ANP: Dialect = {
  kind: 'AdminNetworkPolicy',
  version: 'v1alpha1',
  plural: 'adminnetworkpolicies',
  actions: ['Allow', 'Deny', 'Pass'],
};
const BANP: Dialect = {
  kind: 'BaselineAdminNetworkPolicy',
  version: 'v1alpha1',
  plural: 'baselineadminnetworkpolicies',
  actions: ['Allow', 'Deny'],
};

/** The collection path of an object's kind, for the API server. */
export function clusterPolicyPath(object: ClusterPolicyObject): string {
  const dialect = [CNP('Admin'), ANP, BANP].find((d) => d.kind === object.kind);
  if (dialect === undefined) throw new Error(`not a cluster policy kind: ${String(object.kind)}`);
  return `/apis/${GROUP}/${dialect.version}/${dialect.plural}`;
}

/**
 * One round's cluster policies: two to five of the four kinds (the BANP at most once, as
 * `default`); names unique per kind, so two kinds may share a name and a priority.
 */
export function randomClusterPolicies(rng: Rng, anchors: ClusterPolicyAnchors): ClusterPolicyObject[] {
  const count = rng.int(2, 5);
  const policies: ClusterPolicyObject[] = [];
  let banp = false;
  for (let index = 0; index < count; index++) {
    const roll = rng.next();
    const dialect =
      roll < 0.35 ? CNP('Admin') : roll < 0.55 ? CNP('Baseline') : roll < 0.85 || banp ? ANP : BANP;
    if (dialect === BANP) banp = true;
    policies.push(randomClusterPolicy(rng, anchors, dialect, `p${index}`));
  }
  return policies;
}

function randomClusterPolicy(
  rng: Rng,
  anchors: ClusterPolicyAnchors,
  dialect: Dialect,
  name: string,
): ClusterPolicyObject {
  const rules = (direction: Direction): Json[] | undefined => {
    const roll = rng.next();
    if (roll < 0.2) return undefined;
    if (roll < 0.27) return [];
    return Array.from({ length: rng.int(1, 3) }, (_, i) => randomRule(rng, anchors, dialect, direction, i));
  };
  const ingress = rules('ingress');
  const egress = rules('egress');
  return {
    apiVersion: `${GROUP}/${dialect.version}`,
    kind: dialect.kind,
    metadata: { name: dialect === BANP ? 'default' : name },
    spec: {
      ...(dialect.tier === undefined ? {} : { tier: dialect.tier }),
      ...(dialect === BANP ? {} : { priority: randomPriority(rng) }),
      subject: randomSubject(rng),
      ...(ingress === undefined ? {} : { ingress }),
      ...(egress === undefined ? {} : { egress }),
    },
  };
}

/** Small numbers, so policies of a tier often tie (ordered by name, then kind) and sometimes take the ends. */
function randomPriority(rng: Rng): number {
  return rng.chance(0.15) ? rng.pick([0, 1000]) : rng.int(1, 6);
}

function randomSubject(rng: Rng): Json {
  return rng.chance(0.5) ? { namespaces: randomNamespaceSelector(rng) } : { pods: randomNamespacedPods(rng) };
}

function randomNamespacedPods(rng: Rng): Json {
  return { namespaceSelector: randomNamespaceSelector(rng), podSelector: randomSelector(rng, POD_LABELS) };
}

function randomRule(
  rng: Rng,
  anchors: ClusterPolicyAnchors,
  dialect: Dialect,
  direction: Direction,
  index: number,
): Json {
  const peers = Array.from({ length: rng.int(1, 2) }, () => randomPeer(rng, anchors, direction));
  // "networks/nodes peer cannot be set with namedPorts": such a rule gets numbers and ranges only.
  const addressPeers = peers.some((peer) => 'networks' in peer || 'nodes' in peer);
  const ports = rng.chance(0.35)
    ? undefined
    : Array.from({ length: rng.int(1, 2) }, () => randomPort(rng, dialect, !addressPeers));
  return {
    ...(rng.chance(0.3) ? { name: `rule-${index}` } : {}),
    action: rng.pick(dialect.actions),
    [direction === 'ingress' ? 'from' : 'to']: peers,
    ...(ports === undefined ? {} : { [dialect.version === 'v1alpha1' ? 'ports' : 'protocols']: ports }),
  };
}

function randomPeer(rng: Rng, anchors: ClusterPolicyAnchors, direction: Direction): Json {
  const roll = rng.next();
  if (direction === 'egress' && roll < 0.25) return { networks: rng.some(randomCidrs(anchors), 2) };
  if (direction === 'egress' && roll < 0.45) return { nodes: randomSelector(rng, NODE_LABELS) };
  return rng.chance(0.5) ? { namespaces: randomNamespaceSelector(rng) } : { pods: randomNamespacedPods(rng) };
}

/**
 * CIDRs in canonical form around what the lab has: pods, nodes (and their host-network
 * pods), outside hosts. Each once: `networks` is a set, and the server refuses a repeat.
 */
function randomCidrs(anchors: ClusterPolicyAnchors): string[] {
  const prefix24 = (ip: string) => `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  const cidrs = [
    ...anchors.podIps.map((ip) => `${ip}/32`),
    ...anchors.nodeIps.map((ip) => `${ip}/32`),
    ...anchors.outsideIps.flatMap((ip) => [`${ip}/32`, prefix24(ip)]),
    '198.18.0.0/16',
    '198.19.0.0/24',
    '203.0.113.0/24',
    '0.0.0.0/0',
  ];
  return [...new Set(cidrs)];
}

const PORT_NUMBERS: readonly { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[] = [
  { port: 80, protocol: 'TCP' },
  { port: 443, protocol: 'TCP' },
  { port: 8080, protocol: 'TCP' },
  { port: 8081, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
  { port: 514, protocol: 'UDP' },
  { port: 5353, protocol: 'UDP' },
  { port: 80, protocol: 'SCTP' },
];

/** A port in the dialect's spelling; a named port only where `named` allows it. */
function randomPort(rng: Rng, dialect: Dialect, named: boolean): Json {
  const roll = rng.next();
  if (named && roll < 0.25) {
    const name = rng.pick(PORT_NAMES);
    return dialect.version === 'v1alpha1' ? { namedPort: name } : { destinationNamedPort: name };
  }
  const { port, protocol } = rng.pick(PORT_NUMBERS);
  if (roll < 0.65) {
    if (dialect.version === 'v1alpha2')
      return { [protocol.toLowerCase()]: { destinationPort: { number: port } } };
    // `protocol` defaults to TCP: left out now and then, so the stored form differs from the drawn one.
    return { portNumber: protocol === 'TCP' && rng.chance(0.5) ? { port } : { protocol, port } };
  }
  const start = rng.pick([53, 80, 443, 514, 8080]);
  // v1alpha2 needs start below end; v1alpha1 also takes a one-port range.
  const end = rng.pick(dialect.version === 'v1alpha1' ? [start, 600, 8080, 9000] : [600, 8081, 9000]);
  const [first, last] =
    start < end || (start === end && dialect.version === 'v1alpha1') ? [start, end] : [end - 1, end];
  const rangeProtocol = rng.pick(['TCP', 'UDP'] as const);
  if (dialect.version === 'v1alpha2')
    return { [rangeProtocol.toLowerCase()]: { destinationPort: { range: { start: first, end: last } } } };
  return {
    portRange: {
      ...(rangeProtocol === 'TCP' && rng.chance(0.5) ? {} : { protocol: rangeProtocol }),
      start: first,
      end: last,
    },
  };
}

function labelsFrom(rng: Rng, vocabulary: Record<string, readonly string[]>, p: number): Labels {
  const labels: Record<string, string> = {};
  for (const [key, values] of Object.entries(vocabulary)) if (rng.chance(p)) labels[key] = rng.pick(values);
  return labels;
}

function randomSelector(rng: Rng, vocabulary: Record<string, readonly string[]>): LabelSelectorManifest {
  const key = rng.pick(Object.keys(vocabulary));
  const values = vocabulary[key] ?? [];
  const roll = rng.next();
  if (roll < 0.2) return {};
  if (roll < 0.6) return { matchLabels: { [key]: rng.pick(values) } };
  const operator = rng.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
  return {
    matchExpressions: [
      operator === 'In' || operator === 'NotIn'
        ? { key, operator, values: rng.some(values, 2) }
        : { key, operator },
    ],
  };
}

function randomNamespaceSelector(rng: Rng): LabelSelectorManifest {
  return rng.chance(0.25)
    ? { matchLabels: { 'kubernetes.io/metadata.name': rng.pick(NAMESPACES) } }
    : randomSelector(rng, NAMESPACE_LABELS);
}

/** The forms the generator draws, by name; the differential test checks each was drawn. */
export const CLUSTER_POLICY_FORMS = [
  'ClusterNetworkPolicy tier Admin',
  'ClusterNetworkPolicy tier Baseline',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'action Accept (v1alpha2)',
  'action Deny (v1alpha2)',
  'action Pass (v1alpha2)',
  'action Allow (v1alpha1)',
  'action Deny (v1alpha1)',
  'action Pass (v1alpha1)',
  'priority 0 or 1000',
  'two policies of a tier at one priority',
  'subject namespaces',
  'subject pods',
  'peer namespaces',
  'peer pods',
  'peer networks',
  'peer nodes',
  'port number',
  'port range',
  'named port',
  'v1alpha1 protocol left to its default',
  'rule without ports',
  'rule with a name',
] as const;
export type ClusterPolicyForm = (typeof CLUSTER_POLICY_FORMS)[number];

/** Which forms one round's policies hold. */
export function clusterPolicyFormsOf(policies: readonly ClusterPolicyObject[]): Set<ClusterPolicyForm> {
  const forms = new Set<ClusterPolicyForm>();
  const admin: number[] = [];
  const baseline: number[] = [];
  for (const policy of policies) {
    const spec = policy.spec as Json;
    const version = policy.apiVersion === `${GROUP}/v1alpha2` ? 'v1alpha2' : 'v1alpha1';
    if (policy.kind === 'ClusterNetworkPolicy')
      forms.add(`ClusterNetworkPolicy tier ${spec.tier as 'Admin'}`);
    else forms.add(policy.kind as 'AdminNetworkPolicy');
    if (spec.priority === 0 || spec.priority === 1000) forms.add('priority 0 or 1000');
    if (typeof spec.priority === 'number') (spec.tier === 'Baseline' ? baseline : admin).push(spec.priority);
    forms.add((spec.subject as Json).namespaces === undefined ? 'subject pods' : 'subject namespaces');
    const rules = [
      ...((spec.ingress as Json[] | undefined) ?? []),
      ...((spec.egress as Json[] | undefined) ?? []),
    ];
    for (const rule of rules) addRuleForms(forms, rule, version);
  }
  if (new Set(admin).size < admin.length || new Set(baseline).size < baseline.length)
    forms.add('two policies of a tier at one priority');
  return forms;
}

function addRuleForms(forms: Set<ClusterPolicyForm>, rule: Json, version: 'v1alpha1' | 'v1alpha2'): void {
  forms.add(`action ${String(rule.action)} (${version})` as ClusterPolicyForm);
  if (rule.name !== undefined) forms.add('rule with a name');
  for (const peer of [
    ...((rule.from as Json[] | undefined) ?? []),
    ...((rule.to as Json[] | undefined) ?? []),
  ])
    forms.add(`peer ${Object.keys(peer)[0] ?? ''}` as ClusterPolicyForm);
  const ports = (rule.ports ?? rule.protocols) as Json[] | undefined;
  if (ports === undefined) forms.add('rule without ports');
  for (const port of ports ?? []) {
    const text = JSON.stringify(port);
    if (/namedPort|NamedPort/.test(text)) forms.add('named port');
    else if (/range|portRange/i.test(text)) forms.add('port range');
    else forms.add('port number');
    const spelled = (port.portNumber ?? port.portRange) as Json | undefined;
    if (spelled !== undefined && spelled.protocol === undefined)
      forms.add('v1alpha1 protocol left to its default');
  }
}
