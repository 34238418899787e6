/**
 * From a manifest to a `ClusterPolicy`, checking what the CRDs' schemas and CEL rules
 * check (kubebuilder markers of the policy.networking.k8s.io types), so an object the API
 * server would reject is an error with the path of the offending field. One walk both
 * checks and builds; the model is returned only when nothing was wrong.
 * The API types: v1alpha2 ClusterNetworkPolicySpec, v1alpha1 AdminNetworkPolicySpec and
 * BaselineAdminNetworkPolicySpec (see cluster-policy.ts for the decision).
 */
import { parseCidr } from '../shared/index.js';
import type { Protocol } from './cluster.js';
import type {
  ClusterAction,
  ClusterEgressPeer,
  ClusterIngressPeer,
  ClusterPolicy,
  ClusterPolicyKind,
  ClusterPort,
  ClusterPortMatcher,
  ClusterRule,
  ClusterSubject,
  ClusterTier,
  NamespaceSelection,
} from './cluster-policy.js';
import type { LabelSelectorManifest } from './manifest.js';
import type { PodMatcher } from './policy.js';
import { isEmptySelector, selectorFromManifest, selectorManifestProblems } from './selector.js';
import type { LabelSelector } from './selector.js';
import type { PolicyError, PolicyPath, ReportPolicyError } from './policy-error.js';

export const CLUSTER_POLICY_GROUP = 'policy.networking.k8s.io';

/** What differs between the three kinds, from their kubebuilder markers. */
interface Dialect {
  readonly kind: ClusterPolicyKind;
  readonly version: 'v1alpha1' | 'v1alpha2';
  /** The action enum, as written in manifests. */
  readonly actions: readonly string[];
  /** MaxItems of spec.ingress/egress, of from/to, and of ports/protocols. */
  readonly maxItems: number;
  readonly egressPeers: readonly string[];
}

const DIALECTS: readonly Dialect[] = [
  {
    kind: 'ClusterNetworkPolicy',
    version: 'v1alpha2',
    actions: ['Accept', 'Deny', 'Pass'],
    maxItems: 25,
    egressPeers: ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'],
  },
  {
    kind: 'AdminNetworkPolicy',
    version: 'v1alpha1',
    actions: ['Allow', 'Deny', 'Pass'],
    maxItems: 100,
    egressPeers: ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'],
  },
  {
    kind: 'BaselineAdminNetworkPolicy',
    version: 'v1alpha1',
    actions: ['Allow', 'Deny'],
    maxItems: 100,
    egressPeers: ['namespaces', 'pods', 'nodes', 'networks'],
  },
];

const INGRESS_PEERS = ['namespaces', 'pods'];
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
/** DomainName's kubebuilder pattern, as written (its `A-z` ranges included). */
const DOMAIN_NAME =
  /^(\*\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

/** The kinds and versions the model reads; other versions of the group are not modelled. */
export function isModelledClusterPolicy(apiVersion: unknown, kind: unknown): boolean {
  return dialectOf(apiVersion, kind) !== undefined;
}

function dialectOf(apiVersion: unknown, kind: unknown): Dialect | undefined {
  return DIALECTS.find((d) => kind === d.kind && apiVersion === `${CLUSTER_POLICY_GROUP}/${d.version}`);
}

export type BuildClusterPolicyResult =
  | { readonly ok: true; readonly policy: ClusterPolicy }
  | { readonly ok: false; readonly errors: readonly PolicyError[] };

type Json = Readonly<Record<string, unknown>>;
type Report = ReportPolicyError;

export function buildClusterPolicy(object: Json): BuildClusterPolicyResult {
  const dialect = dialectOf(object.apiVersion, object.kind);
  const errors: PolicyError[] = [];
  const report: Report = (code, path, message) => void errors.push({ code, path, message });
  if (dialect === undefined) {
    report(
      'BAD_VALUE',
      ['apiVersion'],
      `${String(object.apiVersion)} ${String(object.kind)} is not a kind the model reads`,
    );
    return { ok: false, errors };
  }
  const name = readName(object.metadata, dialect, report);
  const spec = isRecord(object.spec) ? object.spec : undefined;
  if (spec === undefined) {
    report('MISSING_FIELD', ['spec'], 'is required');
    return { ok: false, errors };
  }
  const tier = readTier(spec, dialect, report);
  const priority = readPriority(spec, dialect, report);
  const subject = readSubject(spec.subject, ['spec', 'subject'], dialect, report);
  const ingress = readRules(spec.ingress, 'ingress', dialect, report, (peer, path) =>
    readIngressPeer(peer, path, dialect, report),
  );
  const egress = readRules(spec.egress, 'egress', dialect, report, (peer, path) =>
    readEgressPeer(peer, path, dialect, report),
  );
  checkNamedPortPeers(egress, dialect, report);
  if (errors.length > 0 || subject === undefined || tier === undefined) return { ok: false, errors };
  return {
    ok: true,
    policy: {
      ref: { kind: dialect.kind, name },
      apiVersion: `${CLUSTER_POLICY_GROUP}/${dialect.version}`,
      tier,
      priority,
      subject,
      ingress: ingress.map((r) => r.rule),
      egress: egress.map((r) => r.rule),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** BANP: "Only one baseline admin network policy with metadata.name="default" can be created". */
function readName(metadata: unknown, dialect: Dialect, report: Report): string {
  const name = isRecord(metadata) && typeof metadata.name === 'string' ? metadata.name : '';
  if (name === '') report('MISSING_FIELD', ['metadata', 'name'], 'is required');
  else if (dialect.kind === 'BaselineAdminNetworkPolicy' && name !== 'default')
    report(
      'BAD_VALUE',
      ['metadata', 'name'],
      `must be "default": only one BaselineAdminNetworkPolicy, named default, can exist (got "${name}")`,
    );
  return name;
}

/** v1alpha2 spec.tier: Admin or Baseline; the v1alpha1 kinds are their tier. */
function readTier(spec: Json, dialect: Dialect, report: Report): ClusterTier | undefined {
  if (dialect.kind === 'AdminNetworkPolicy') return 'Admin';
  if (dialect.kind === 'BaselineAdminNetworkPolicy') return 'Baseline';
  if (!isSet(spec.tier))
    return void report('MISSING_FIELD', ['spec', 'tier'], 'is required: Admin or Baseline');
  if (spec.tier === 'Admin' || spec.tier === 'Baseline') return spec.tier;
  return void report(
    'BAD_VALUE',
    ['spec', 'tier'],
    `"${String(spec.tier)}" is not a tier: expected Admin or Baseline`,
  );
}

/** Minimum=0, Maximum=1000; a BANP has no priority and ignores one. */
function readPriority(spec: Json, dialect: Dialect, report: Report): number | undefined {
  if (dialect.kind === 'BaselineAdminNetworkPolicy') return undefined;
  const path = ['spec', 'priority'];
  if (!isSet(spec.priority))
    return void report('MISSING_FIELD', path, 'is required: an integer from 0 to 1000');
  const priority = spec.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority))
    return void report('BAD_TYPE', path, `${JSON.stringify(priority)} is not an integer from 0 to 1000`);
  if (priority < 0 || priority > 1000)
    return void report(
      'BAD_VALUE',
      path,
      `${priority} is out of range: expected 0 to 1000 (lower is evaluated first)`,
    );
  return priority;
}

function readSelector(value: unknown, path: PolicyPath, report: Report): LabelSelector | undefined {
  if (!isRecord(value))
    return void report('BAD_TYPE', path, 'must be a label selector (matchLabels and/or matchExpressions)');
  const problems = selectorManifestProblems(value as LabelSelectorManifest);
  for (const problem of problems) report(problem.code, [...path, ...problem.path], problem.message);
  return problems.length === 0 ? selectorFromManifest(value as LabelSelectorManifest) : undefined;
}

function namespaceSelection(selector: LabelSelector): NamespaceSelection {
  return isEmptySelector(selector) ? { kind: 'all' } : { kind: 'labelled', selector };
}

function podMatcher(selector: LabelSelector): PodMatcher {
  return isEmptySelector(selector) ? { kind: 'all' } : { kind: 'labelled', selector };
}

/** MaxProperties=1, MinProperties=1: exactly one of `allowed` is set. */
function onlyField(
  value: unknown,
  path: PolicyPath,
  what: string,
  allowed: readonly string[],
  report: Report,
): string | undefined {
  const expected = `exactly one of ${allowed.join(', ')}`;
  if (!isRecord(value)) return void report('BAD_TYPE', path, `must be ${what}: ${expected}`);
  const keys = Object.keys(value).filter((key) => isSet(value[key]));
  const unknown = keys.find((key) => !allowed.includes(key));
  if (unknown !== undefined)
    return void report(
      'UNKNOWN_FIELD',
      [...path, unknown],
      `"${unknown}" is not a field of ${what}: expected ${expected}`,
    );
  if (keys.length !== 1)
    return void report(
      keys.length > 1 ? 'CONFLICT' : 'MISSING_FIELD',
      path,
      `${what} must set ${expected}${keys.length > 1 ? ` (got ${keys.join(', ')})` : ''}`,
    );
  return keys[0];
}

function readSubject(
  value: unknown,
  path: PolicyPath,
  dialect: Dialect,
  report: Report,
): ClusterSubject | undefined {
  if (!isSet(value)) return void report('MISSING_FIELD', path, 'is required: namespaces or pods');
  const field = onlyField(value, path, 'a subject', ['namespaces', 'pods'], report);
  if (field === undefined || !isRecord(value)) return undefined;
  return readPodsOrNamespaces(value, field, path, dialect, report);
}

/** `namespaces: <selector>` or `pods: {namespaceSelector, podSelector}`, for subjects and peers. */
function readPodsOrNamespaces(
  value: Json,
  field: string,
  path: PolicyPath,
  dialect: Dialect,
  report: Report,
): ClusterIngressPeer | undefined {
  if (field === 'namespaces') {
    const selector = readSelector(value.namespaces, [...path, 'namespaces'], report);
    return selector && { kind: 'namespaces', namespaces: namespaceSelection(selector) };
  }
  const podsPath = [...path, 'pods'];
  const pods = value.pods;
  if (!isRecord(pods))
    return void report('BAD_TYPE', podsPath, 'must be a map of namespaceSelector and podSelector');
  // NamespacedPod: podSelector is required in both versions, namespaceSelector in v1alpha1 only.
  if (!isSet(pods.podSelector))
    return void report('MISSING_FIELD', [...podsPath, 'podSelector'], 'is required');
  if (!isSet(pods.namespaceSelector) && dialect.version === 'v1alpha1')
    return void report('MISSING_FIELD', [...podsPath, 'namespaceSelector'], 'is required');
  const namespaces = isSet(pods.namespaceSelector)
    ? readSelector(pods.namespaceSelector, [...podsPath, 'namespaceSelector'], report)
    : selectorFromManifest({});
  const podSelector = readSelector(pods.podSelector, [...podsPath, 'podSelector'], report);
  if (namespaces === undefined || podSelector === undefined) return undefined;
  return { kind: 'pods', namespaces: namespaceSelection(namespaces), pods: podMatcher(podSelector) };
}

interface BuiltRule<P extends ClusterEgressPeer> {
  readonly rule: ClusterRule<P>;
  readonly path: PolicyPath;
  /** Fields of the peers, for the named-port CEL rule. */
  readonly peerFields: readonly string[];
}

function readRules<P extends ClusterEgressPeer>(
  value: unknown,
  direction: 'ingress' | 'egress',
  dialect: Dialect,
  report: Report,
  readPeer: (peer: unknown, path: PolicyPath) => { peer: P; field: string } | undefined,
): BuiltRule<P>[] {
  const path = ['spec', direction];
  const list = readList(value, path, 0, dialect.maxItems, report);
  const rules: BuiltRule<P>[] = [];
  list.forEach((item, index) => {
    const rulePath = [...path, index];
    if (!isRecord(item))
      return report('BAD_TYPE', rulePath, 'must be a rule: action, and from/to, and optional ports');
    const name = readRuleName(item.name, [...rulePath, 'name'], report);
    const action = readAction(item.action, [...rulePath, 'action'], dialect, report);
    const peersKey = direction === 'ingress' ? 'from' : 'to';
    const peerList = readList(item[peersKey], [...rulePath, peersKey], 1, dialect.maxItems, report, true);
    const peers: P[] = [];
    const peerFields: string[] = [];
    peerList.forEach((peer, j) => {
      const read = readPeer(peer, [...rulePath, peersKey, j]);
      if (read === undefined) return;
      peers.push(read.peer);
      peerFields.push(read.field);
    });
    const ports =
      dialect.version === 'v1alpha1'
        ? readV1alpha1Ports(item.ports, [...rulePath, 'ports'], dialect, report)
        : readProtocols(item.protocols, [...rulePath, 'protocols'], dialect, report);
    if (action === undefined || ports === undefined) return;
    rules.push({ rule: { index, name, action, peers, ports }, path: rulePath, peerFields });
  });
  return rules;
}

/** `required` lists must be present; MinItems/MaxItems as the markers say. */
function readList(
  value: unknown,
  path: PolicyPath,
  min: number,
  max: number,
  report: Report,
  required = false,
): readonly unknown[] {
  if (!isSet(value)) {
    if (required) report('MISSING_FIELD', path, 'is required: at least one item');
    return [];
  }
  if (!Array.isArray(value)) {
    report('BAD_TYPE', path, 'must be a list');
    return [];
  }
  if (value.length < min) report('BAD_COUNT', path, `must have at least ${min} item${min === 1 ? '' : 's'}`);
  if (value.length > max) report('BAD_COUNT', path, `must have at most ${max} items (got ${value.length})`);
  return value;
}

function readRuleName(value: unknown, path: PolicyPath, report: Report): string | undefined {
  if (!isSet(value)) return undefined;
  if (typeof value !== 'string') return void report('BAD_TYPE', path, 'must be a string');
  if (value.length > 100) report('BAD_VALUE', path, `must be at most 100 characters (got ${value.length})`);
  return value === '' ? undefined : value;
}

function readAction(
  value: unknown,
  path: PolicyPath,
  dialect: Dialect,
  report: Report,
): ClusterAction | undefined {
  const expected = dialect.actions.join(', ');
  if (!isSet(value)) return void report('MISSING_FIELD', path, `is required: ${expected}`);
  if (typeof value !== 'string' || !dialect.actions.includes(value)) {
    const hint = hintFor(value, dialect);
    return void report(
      'BAD_VALUE',
      path,
      `"${String(value)}" is not an action of ${dialect.kind}: expected ${expected}${hint}`,
    );
  }
  return value === 'Allow' ? 'Accept' : (value as ClusterAction);
}

/** The two versions spell the allowing action differently; BANP has no Pass. */
function hintFor(value: unknown, dialect: Dialect): string {
  if (value === 'Allow' && dialect.version === 'v1alpha2') return ' (v1alpha1 Allow is v1alpha2 Accept)';
  if (value === 'Accept' && dialect.version === 'v1alpha1') return ' (v1alpha2 Accept is v1alpha1 Allow)';
  if (value === 'Pass' && dialect.kind === 'BaselineAdminNetworkPolicy')
    return ' (Pass hands over to a later tier, and Baseline is the last)';
  return '';
}

function readIngressPeer(
  value: unknown,
  path: PolicyPath,
  dialect: Dialect,
  report: Report,
): { peer: ClusterIngressPeer; field: string } | undefined {
  if (isRecord(value)) {
    const egressOnly = ['networks', 'nodes', 'domainNames'].find((key) => isSet(value[key]));
    if (egressOnly !== undefined)
      return void report('CONFLICT', [...path, egressOnly], `${egressOnly} peers are for egress rules only`);
  }
  const field = onlyField(value, path, 'an ingress peer', INGRESS_PEERS, report);
  if (field === undefined || !isRecord(value)) return undefined;
  const peer = readPodsOrNamespaces(value, field, path, dialect, report);
  return peer && { peer, field };
}

function readEgressPeer(
  value: unknown,
  path: PolicyPath,
  dialect: Dialect,
  report: Report,
): { peer: ClusterEgressPeer; field: string } | undefined {
  const field = onlyField(value, path, 'an egress peer', dialect.egressPeers, report);
  if (field === undefined || !isRecord(value)) return undefined;
  const fieldPath = [...path, field];
  switch (field) {
    case 'networks': {
      const cidrs = readList(value.networks, fieldPath, 1, 25, report);
      cidrs.forEach((cidr, i) => checkCidr(cidr, [...fieldPath, i], report));
      checkUnique(cidrs, fieldPath, report);
      return {
        peer: { kind: 'networks', cidrs: cidrs.filter((c): c is string => typeof c === 'string') },
        field,
      };
    }
    case 'nodes': {
      const nodes = readSelector(value.nodes, fieldPath, report);
      return nodes && { peer: { kind: 'nodes', nodes }, field };
    }
    case 'domainNames': {
      const names = readList(value.domainNames, fieldPath, 1, 25, report);
      names.forEach((name, i) => {
        if (typeof name !== 'string' || !DOMAIN_NAME.test(name))
          report(
            'BAD_VALUE',
            [...fieldPath, i],
            `${JSON.stringify(name)} is not a domain name (a "*." prefix is the only wildcard)`,
          );
      });
      checkUnique(names, fieldPath, report);
      return {
        peer: { kind: 'domainNames', names: names.filter((n): n is string => typeof n === 'string') },
        field,
      };
    }
    default: {
      const peer = readPodsOrNamespaces(value, field, path, dialect, report);
      return peer && { peer, field };
    }
  }
}

/** `+listType=set` (networks, domainNames): the API server refuses an item listed twice. */
function checkUnique(items: readonly unknown[], path: PolicyPath, report: Report): void {
  items.forEach((item, i) => {
    if (items.indexOf(item) < i)
      report('BAD_VALUE', [...path, i], `${JSON.stringify(item)} is listed twice (the list is a set)`);
  });
}

/** CIDR: MaxLength=43 and `isCIDR(self)`. */
function checkCidr(value: unknown, path: PolicyPath, report: Report): void {
  if (typeof value !== 'string') return report('BAD_TYPE', path, 'must be a CIDR string');
  if (value.length > 43) return report('BAD_VALUE', path, `"${value}" is longer than 43 characters`);
  const parsed = parseCidr(value);
  if (!parsed.ok) report('BAD_VALUE', path, parsed.message);
}

/** v1alpha1 AdminNetworkPolicyPort: exactly one of portNumber, namedPort, portRange. */
function readV1alpha1Ports(
  value: unknown,
  path: PolicyPath,
  dialect: Dialect,
  report: Report,
): ClusterPortMatcher | undefined {
  const item = { what: 'a port', fields: ['portNumber', 'namedPort', 'portRange'], read: readV1alpha1Port };
  return readPortList(value, path, dialect, item, report);
}

/** How one API version spells a port list's item: which one field it sets, and how that field reads. */
interface PortItemSpelling {
  readonly what: string;
  readonly fields: readonly string[];
  readonly read: (value: unknown, field: string, path: PolicyPath, report: Report) => ClusterPort | undefined;
}

/** A port list of either version: every item is read (so every problem is reported), none kept if one fails. */
function readPortList(
  value: unknown,
  path: PolicyPath,
  dialect: Dialect,
  spelling: PortItemSpelling,
  report: Report,
): ClusterPortMatcher | undefined {
  if (!isSet(value)) return { kind: 'anyPort' };
  const list = readList(value, path, 1, dialect.maxItems, report);
  const ports: ClusterPort[] = [];
  let failed = false;
  list.forEach((item, i) => {
    const itemPath = [...path, i];
    const field = onlyField(item, itemPath, spelling.what, spelling.fields, report);
    if (field === undefined || !isRecord(item)) return void (failed = true);
    const port = spelling.read(item[field], field, [...itemPath, field], report);
    if (port === undefined) failed = true;
    else ports.push(port);
  });
  return failed ? undefined : { kind: 'ports', ports };
}

function readV1alpha1Port(
  value: unknown,
  field: string,
  path: PolicyPath,
  report: Report,
): ClusterPort | undefined {
  if (field === 'namedPort') {
    if (typeof value !== 'string' || value === '')
      return void report('BAD_TYPE', path, 'must be a container port name');
    return { kind: 'named', name: value };
  }
  if (!isRecord(value)) return void report('BAD_TYPE', path, `must be a map`);
  // Protocol: "If not specified, this field defaults to TCP" (+kubebuilder:default=TCP).
  const protocol = readProtocol(value.protocol, [...path, 'protocol'], report);
  if (field === 'portNumber') {
    const port = readPortNumber(value.port, [...path, 'port'], report, true);
    return protocol && port !== undefined ? { kind: 'number', protocol, port } : undefined;
  }
  const range = readRange(value, path, report, false);
  return protocol && range ? { kind: 'range', protocol, ...range } : undefined;
}

function readProtocol(value: unknown, path: PolicyPath, report: Report): Protocol | undefined {
  if (!isSet(value)) return 'TCP';
  if (PROTOCOLS.includes(value as Protocol)) return value as Protocol;
  return void report('BAD_VALUE', path, `"${String(value)}" is not a protocol: expected TCP, UDP or SCTP`);
}

function readPortNumber(
  value: unknown,
  path: PolicyPath,
  report: Report,
  required: boolean,
): number | undefined {
  if (!isSet(value))
    return required
      ? void report('MISSING_FIELD', path, 'is required: a port number from 1 to 65535')
      : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535)
    return void report(
      'BAD_VALUE',
      path,
      `${JSON.stringify(value)} is not a port number: expected 1 to 65535`,
    );
  return value;
}

/**
 * v1alpha2 PortRange has the CEL rule `self.start < self.end`. v1alpha1 PortRange only
 * says "Start value must be less than End" without a rule: a reversed range, which would
 * match no port, is an error, and a one-port range is accepted.
 */
function readRange(
  value: Json,
  path: PolicyPath,
  report: Report,
  strict: boolean,
): { start: number; end: number } | undefined {
  const start = readPortNumber(value.start, [...path, 'start'], report, true);
  const end = readPortNumber(value.end, [...path, 'end'], report, true);
  if (start === undefined || end === undefined) return undefined;
  if (strict ? start >= end : start > end)
    return void report(
      'BAD_VALUE',
      [...path, 'end'],
      `must be greater than start (${start})${strict ? '' : ' or equal to it'}`,
    );
  return { start, end };
}

/** v1alpha2 ClusterNetworkPolicyProtocol: exactly one of tcp, udp, sctp, destinationNamedPort. */
function readProtocols(
  value: unknown,
  path: PolicyPath,
  dialect: Dialect,
  report: Report,
): ClusterPortMatcher | undefined {
  const item = {
    what: 'a protocol',
    fields: ['tcp', 'udp', 'sctp', 'destinationNamedPort'],
    read: readProtocolPort,
  };
  return readPortList(value, path, dialect, item, report);
}

function readProtocolPort(
  value: unknown,
  field: string,
  path: PolicyPath,
  report: Report,
): ClusterPort | undefined {
  if (field === 'destinationNamedPort') {
    if (typeof value !== 'string' || value === '')
      return void report('BAD_TYPE', path, 'must be a container port name');
    return { kind: 'named', name: value };
  }
  const protocol = field.toUpperCase() as Protocol;
  // ClusterNetworkPolicyProtocolTCP/UDP/SCTP: MinProperties=1, so destinationPort is required.
  if (!isRecord(value) || !isSet(value.destinationPort))
    return void report('MISSING_FIELD', [...path, 'destinationPort'], 'is required: number or range');
  const portPath = [...path, 'destinationPort'];
  const which = onlyField(value.destinationPort, portPath, 'a destination port', ['number', 'range'], report);
  if (which === undefined || !isRecord(value.destinationPort)) return undefined;
  if (which === 'number') {
    const port = readPortNumber(value.destinationPort.number, [...portPath, 'number'], report, true);
    return port === undefined ? undefined : { kind: 'number', protocol, port };
  }
  const rangeValue = value.destinationPort.range;
  if (!isRecord(rangeValue))
    return void report('BAD_TYPE', [...portPath, 'range'], 'must be a map of start and end');
  const range = readRange(rangeValue, [...portPath, 'range'], report, true);
  return range && { kind: 'range', protocol, ...range };
}

/**
 * The egress CEL rule: "networks/nodes/domainNames peer cannot be set with namedPorts since
 * there are no namedPorts for networks/nodes/domainNames". It is on the experimental
 * channel's CRDs only; the model applies it everywhere, as such a rule could never match.
 */
function checkNamedPortPeers(
  rules: readonly BuiltRule<ClusterEgressPeer>[],
  dialect: Dialect,
  report: Report,
): void {
  const portsKey = dialect.version === 'v1alpha1' ? 'ports' : 'protocols';
  for (const { rule, path, peerFields } of rules) {
    const addressPeer = peerFields.find((field) => ['networks', 'nodes', 'domainNames'].includes(field));
    const named = rule.ports.kind === 'ports' ? rule.ports.ports.findIndex((p) => p.kind === 'named') : -1;
    if (addressPeer !== undefined && named !== -1)
      report(
        'CONFLICT',
        [...path, portsKey, named],
        `a named port cannot be used with a ${addressPeer} peer: ${addressPeer} have no named ports`,
      );
  }
}
