/**
 * The cluster policies of policy.networking.k8s.io as the enforcer reads them from the API
 * server: v1alpha2 ClusterNetworkPolicy (spec.tier Admin or Baseline) and v1alpha1
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy. The enforcer's own reading, written
 * apart from the model's (src/policy/build-cluster-policy.ts) on purpose: the differential
 * test checks each against the other.
 *
 * The lab's CRDs (control-plane/cluster-policy-crds.ts) already refuse most malformed
 * objects; what still gets through is read the way a plugin that skips what it cannot use
 * would: a policy without a usable kind, tier or priority is left out, a peer or port
 * that is not exactly one known form matches nothing.
 */
import type { Labels, LabelSelectorManifest, Protocol } from '../../policy/index.js';

/** An object of one of the three kinds as the API serves it (plain JSON). */
export interface ClusterPolicyObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly labels?: Labels };
  readonly spec?: unknown;
}

export const CLUSTER_POLICY_GROUP = 'policy.networking.k8s.io';

export type TierName = 'Admin' | 'Baseline';
export type TierAction = 'accept' | 'deny' | 'pass';

/** A subject or a `pods`/`namespaces` peer: pods on the pod network only. */
export interface PodSelection {
  readonly namespaces: LabelSelectorManifest;
  /** Undefined: every pod of the selected namespaces. */
  readonly pods?: LabelSelectorManifest;
}

export type TierPeer =
  | { readonly kind: 'pods'; readonly selection: PodSelection }
  | { readonly kind: 'networks'; readonly cidrs: readonly string[] }
  | { readonly kind: 'nodes'; readonly nodes: LabelSelectorManifest }
  /** domainNames, or a peer the enforcer cannot read. */
  | { readonly kind: 'nothing' };

export type TierPort =
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly first: number; readonly last: number }
  /** A container port name, looked up on the destination pod whatever its protocol. */
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'nothing' };

export interface TierRule {
  /** `ClusterNetworkPolicy/name ingress[0]`, for nft comments. */
  readonly origin: string;
  readonly action: TierAction;
  readonly peers: readonly TierPeer[];
  /** Undefined: every port of every protocol. */
  readonly ports: readonly TierPort[] | undefined;
}

export interface TierPolicy {
  readonly kind: string;
  readonly name: string;
  readonly tier: TierName;
  /** The BANP has none: it comes after every Baseline ClusterNetworkPolicy. */
  readonly priority: number;
  readonly subject: PodSelection | undefined;
  readonly ingress: readonly TierRule[];
  readonly egress: readonly TierRule[];
}

type Json = Readonly<Record<string, unknown>>;

interface KindShape {
  readonly tier: TierName | 'spec';
  readonly actions: Readonly<Record<string, TierAction>>;
  readonly portsField: 'ports' | 'protocols';
  readonly hasPriority: boolean;
}

const SHAPES: Readonly<Record<string, KindShape>> = {
  [`${CLUSTER_POLICY_GROUP}/v1alpha2 ClusterNetworkPolicy`]: {
    tier: 'spec',
    actions: { Accept: 'accept', Deny: 'deny', Pass: 'pass' },
    portsField: 'protocols',
    hasPriority: true,
  },
  [`${CLUSTER_POLICY_GROUP}/v1alpha1 AdminNetworkPolicy`]: {
    tier: 'Admin',
    actions: { Allow: 'accept', Deny: 'deny', Pass: 'pass' },
    portsField: 'ports',
    hasPriority: true,
  },
  [`${CLUSTER_POLICY_GROUP}/v1alpha1 BaselineAdminNetworkPolicy`]: {
    tier: 'Baseline',
    actions: { Allow: 'accept', Deny: 'deny' },
    portsField: 'ports',
    hasPriority: false,
  },
};

/** The policy as the enforcer uses it, or undefined when it cannot be used at all. */
export function readTierPolicy(object: ClusterPolicyObject): TierPolicy | undefined {
  const kind = object.kind ?? '';
  const shape = SHAPES[`${object.apiVersion ?? ''} ${kind}`];
  const spec = asObject(object.spec);
  if (shape === undefined || spec === undefined) return undefined;
  const tier = shape.tier === 'spec' ? tierOf(spec.tier) : shape.tier;
  const priority = shape.hasPriority ? priorityOf(spec.priority) : Number.POSITIVE_INFINITY;
  if (tier === undefined || priority === undefined) return undefined;
  // A v1alpha1 BANP is a singleton: the CRD's CEL rule admits only `default`.
  if (kind === 'BaselineAdminNetworkPolicy' && object.metadata.name !== 'default') return undefined;
  const rules = (direction: 'ingress' | 'egress') =>
    (asArray(spec[direction]) ?? []).map((rule, index) =>
      readRule(
        asObject(rule) ?? {},
        shape,
        `${kind}/${object.metadata.name} ${direction}[${index}]`,
        direction,
      ),
    );
  return {
    kind,
    name: object.metadata.name,
    tier,
    priority,
    subject: oneOf(spec.subject, ['namespaces', 'pods']),
    ingress: rules('ingress'),
    egress: rules('egress'),
  };
}

function readRule(rule: Json, shape: KindShape, origin: string, direction: 'ingress' | 'egress'): TierRule {
  const named = typeof rule.name === 'string' && rule.name !== '' ? `${origin} ${rule.name}` : origin;
  const peers = asArray(rule[direction === 'ingress' ? 'from' : 'to']) ?? [];
  const ports = asArray(rule[shape.portsField]);
  return {
    origin: named,
    // An unknown action is kept as a rule that matches nothing rather than guessed at.
    action: shape.actions[String(rule.action)] ?? 'pass',
    peers:
      shape.actions[String(rule.action)] === undefined ? [] : peers.map((peer) => readPeer(peer, direction)),
    ports:
      ports === undefined
        ? undefined
        : ports.flatMap((port) =>
            shape.portsField === 'ports' ? [readV1alpha1Port(port)] : readV1alpha2Protocol(port),
          ),
  };
}

function readPeer(value: unknown, direction: 'ingress' | 'egress'): TierPeer {
  const fields =
    direction === 'ingress'
      ? ['namespaces', 'pods']
      : ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'];
  const peer = asObject(value);
  const keys =
    peer === undefined
      ? []
      : Object.keys(peer).filter((key) => peer[key] !== undefined && peer[key] !== null);
  if (peer === undefined || keys.length !== 1 || !fields.includes(keys[0] ?? '')) return { kind: 'nothing' };
  if (peer.nodes !== undefined && peer.nodes !== null) {
    const nodes = selectorOf(peer.nodes);
    return nodes === undefined ? { kind: 'nothing' } : { kind: 'nodes', nodes };
  }
  if (peer.networks !== undefined && peer.networks !== null) {
    const cidrs = asArray(peer.networks) ?? [];
    return { kind: 'networks', cidrs: cidrs.filter((cidr): cidr is string => typeof cidr === 'string') };
  }
  const selection = oneOf(peer, ['namespaces', 'pods']);
  return selection === undefined ? { kind: 'nothing' } : { kind: 'pods', selection };
}

/** A subject or peer of exactly `namespaces` or `pods` (namespaceSelector and podSelector both required). */
function oneOf(value: unknown, fields: readonly string[]): PodSelection | undefined {
  const object = asObject(value);
  if (object === undefined) return undefined;
  const set = fields.filter((field) => object[field] !== undefined && object[field] !== null);
  if (set.length !== 1) return undefined;
  if (set[0] === 'namespaces') {
    const namespaces = selectorOf(object.namespaces);
    return namespaces === undefined ? undefined : { namespaces };
  }
  const pods = asObject(object.pods);
  const namespaces = selectorOf(pods?.namespaceSelector);
  const podSelector = selectorOf(pods?.podSelector);
  return namespaces === undefined || podSelector === undefined
    ? undefined
    : { namespaces, pods: podSelector };
}

/** v1alpha1: exactly one of portNumber, portRange (protocol defaulted to TCP) or namedPort. */
function readV1alpha1Port(value: unknown): TierPort {
  const port = asObject(value);
  if (port === undefined) return { kind: 'nothing' };
  const set = ['portNumber', 'portRange', 'namedPort'].filter(
    (key) => port[key] !== undefined && port[key] !== null,
  );
  if (set.length !== 1) return { kind: 'nothing' };
  if (typeof port.namedPort === 'string') return { kind: 'named', name: port.namedPort };
  const number = asObject(port.portNumber);
  if (number !== undefined) return portRange(number.protocol, number.port, number.port);
  const range = asObject(port.portRange);
  return range === undefined ? { kind: 'nothing' } : portRange(range.protocol, range.start, range.end);
}

/** v1alpha2: exactly one of tcp, udp, sctp (with destinationPort number or range) or destinationNamedPort. */
function readV1alpha2Protocol(value: unknown): TierPort[] {
  const entry = asObject(value);
  if (entry === undefined) return [{ kind: 'nothing' }];
  const set = ['tcp', 'udp', 'sctp', 'destinationNamedPort'].filter(
    (key) => entry[key] !== undefined && entry[key] !== null,
  );
  if (set.length !== 1) return [{ kind: 'nothing' }];
  if (typeof entry.destinationNamedPort === 'string')
    return [{ kind: 'named', name: entry.destinationNamedPort }];
  const key = set[0] ?? '';
  const protocol = key.toUpperCase();
  const destination = asObject(asObject(entry[key])?.destinationPort);
  if (destination === undefined) return [{ kind: 'nothing' }];
  if (destination.number !== undefined && destination.range === undefined)
    return [portRange(protocol, destination.number, destination.number)];
  const range = asObject(destination.range);
  if (range === undefined || destination.number !== undefined) return [{ kind: 'nothing' }];
  // "Start port must be less than End port" (a CEL rule the lab's CRD cannot carry to old servers).
  return Number(range.start) < Number(range.end)
    ? [portRange(protocol, range.start, range.end)]
    : [{ kind: 'nothing' }];
}

function portRange(protocolValue: unknown, first: unknown, last: unknown): TierPort {
  const protocol = protocolValue === undefined || protocolValue === null ? 'TCP' : protocolValue;
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') return { kind: 'nothing' };
  if (!isPort(first) || !isPort(last) || last < first) return { kind: 'nothing' };
  return { kind: 'range', protocol, first, last };
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function tierOf(value: unknown): TierName | undefined {
  return value === 'Admin' || value === 'Baseline' ? value : undefined;
}

function priorityOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1000
    ? value
    : undefined;
}

/** A label selector of the shape the API admits; anything else selects nothing. */
function selectorOf(value: unknown): LabelSelectorManifest | undefined {
  const selector = asObject(value);
  if (selector === undefined) return undefined;
  const labels = selector.matchLabels;
  const expressions = selector.matchExpressions;
  const labelsOk = labels === undefined || labels === null || asObject(labels) !== undefined;
  const expressionsOk =
    expressions === undefined ||
    expressions === null ||
    (Array.isArray(expressions) && expressions.every((e) => asObject(e) !== undefined));
  return labelsOk && expressionsOk ? (selector as LabelSelectorManifest) : undefined;
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
