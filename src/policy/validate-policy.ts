/**
 * What the API server would reject in a NetworkPolicy manifest, as data: one problem per
 * mistake, each with its code and the path of the field, so a loader can point at the
 * YAML line.
 * https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/
 */
import { cidrWithin, parseCidr } from '../shared/index.js';
import type {
  LabelSelectorManifest,
  NetworkPolicyManifest,
  NetworkPolicyPeerManifest,
  NetworkPolicyPortManifest,
} from './manifest.js';
import type { PolicyError, PolicyPath, ReportPolicyError } from './policy-error.js';
import { selectorManifestProblems } from './selector.js';

export const POLICY_TYPES = ['Ingress', 'Egress'] as const;
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** Every problem in `m`; an empty list means `buildPolicy` will build it. */
export function validatePolicy(m: NetworkPolicyManifest): PolicyError[] {
  const errors: PolicyError[] = [];
  const report: Report = (code, path, message) => void errors.push({ code, path, message });
  if (!isRecord(m) || !isRecord(m.metadata)) {
    report('MISSING_FIELD', ['metadata'], 'is required');
  } else if (typeof m.metadata.name !== 'string' || m.metadata.name === '') {
    report('MISSING_FIELD', ['metadata', 'name'], 'is required');
  }
  if (!isRecord(m) || !isRecord(m.spec)) {
    report('MISSING_FIELD', ['spec'], 'is required');
    return errors;
  }
  const spec = m.spec;
  checkSelector(spec.podSelector, ['spec', 'podSelector'], report);
  checkPolicyTypes(spec.policyTypes, report);
  checkRules(spec.ingress, ['spec', 'ingress'], 'from', report);
  checkRules(spec.egress, ['spec', 'egress'], 'to', report);
  return errors;
}

type Report = ReportPolicyError;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkList(value: unknown, path: PolicyPath, report: Report): value is unknown[] {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return true;
  report('BAD_TYPE', path, 'must be a list');
  return false;
}

function checkSelector(
  value: LabelSelectorManifest | null | undefined,
  path: PolicyPath,
  report: Report,
): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value))
    return report('BAD_TYPE', path, 'must be a label selector (matchLabels and/or matchExpressions)');
  for (const problem of selectorManifestProblems(value))
    report(problem.code, [...path, ...problem.path], problem.message);
}

function checkPolicyTypes(value: unknown, report: Report): void {
  const path = ['spec', 'policyTypes'];
  if (!checkList(value, path, report)) return;
  if (value.length > POLICY_TYPES.length)
    report('BAD_COUNT', path, 'may not specify more than two policyTypes');
  value.forEach((type, i) => {
    if (!(POLICY_TYPES as readonly unknown[]).includes(type))
      report('BAD_VALUE', [...path, i], `"${String(type)}" is not a policy type: expected Ingress or Egress`);
  });
}

function checkRules(value: unknown, path: PolicyPath, peersKey: 'from' | 'to', report: Report): void {
  if (!checkList(value, path, report)) return;
  value.forEach((rule, i) => {
    const rulePath = [...path, i];
    if (!isRecord(rule)) return report('BAD_TYPE', rulePath, 'must be a rule (ports and/or from/to)');
    if (checkList(rule[peersKey], [...rulePath, peersKey], report))
      rule[peersKey].forEach((peer, j) => checkPeer(peer, [...rulePath, peersKey, j], report));
    if (checkList(rule.ports, [...rulePath, 'ports'], report))
      rule.ports.forEach((port, j) => checkPort(port, [...rulePath, 'ports', j], report));
  });
}

function checkPeer(value: unknown, path: PolicyPath, report: Report): void {
  if (!isRecord(value))
    return report('BAD_TYPE', path, 'must be a peer (podSelector, namespaceSelector or ipBlock)');
  const peer = value as NetworkPolicyPeerManifest;
  const hasIpBlock = peer.ipBlock !== undefined && peer.ipBlock !== null;
  const hasSelector = isSet(peer.podSelector) || isSet(peer.namespaceSelector);
  if (!hasIpBlock && !hasSelector)
    report('MISSING_FIELD', path, 'must specify a peer: podSelector, namespaceSelector or ipBlock');
  if (hasIpBlock && hasSelector)
    report('CONFLICT', path, 'may not specify ipBlock together with podSelector or namespaceSelector');
  checkSelector(peer.podSelector, [...path, 'podSelector'], report);
  checkSelector(peer.namespaceSelector, [...path, 'namespaceSelector'], report);
  if (hasIpBlock) checkIpBlock(peer.ipBlock, [...path, 'ipBlock'], report);
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function checkIpBlock(value: unknown, path: PolicyPath, report: Report): void {
  if (!isRecord(value)) return report('BAD_TYPE', path, 'must be an ipBlock (cidr and optional except)');
  if (typeof value.cidr !== 'string' || value.cidr === '')
    return report('MISSING_FIELD', [...path, 'cidr'], 'is required');
  const cidr = parseCidr(value.cidr);
  if (!cidr.ok) report('BAD_VALUE', [...path, 'cidr'], cidr.message);
  if (!checkList(value.except, [...path, 'except'], report)) return;
  value.except.forEach((text, i) => {
    const exceptPath = [...path, 'except', i];
    if (typeof text !== 'string') return report('BAD_TYPE', exceptPath, 'must be a CIDR string');
    const except = parseCidr(text);
    if (!except.ok) return report('BAD_VALUE', exceptPath, except.message);
    if (cidr.ok && !(cidrWithin(except.cidr, cidr.cidr) && except.cidr.prefix > cidr.cidr.prefix))
      report(
        'BAD_VALUE',
        exceptPath,
        `"${text}" must be a strict subset of the cidr "${value.cidr as string}"`,
      );
  });
}

function checkPort(value: unknown, path: PolicyPath, report: Report): void {
  if (!isRecord(value)) return report('BAD_TYPE', path, 'must be a port (protocol, port, endPort)');
  const port = value as NetworkPolicyPortManifest;
  if (isSet(port.protocol) && !(PROTOCOLS as readonly unknown[]).includes(port.protocol))
    report(
      'BAD_VALUE',
      [...path, 'protocol'],
      `"${String(port.protocol)}" is not a protocol: expected TCP, UDP or SCTP`,
    );
  if (typeof port.port === 'number') {
    if (!isPortNumber(port.port))
      report('BAD_VALUE', [...path, 'port'], `${port.port} is not a port number: expected 1 to 65535`);
  } else if (typeof port.port === 'string') {
    const problem = portNameProblem(port.port);
    if (problem !== undefined) report('BAD_VALUE', [...path, 'port'], problem);
  } else if (isSet(port.port)) {
    report('BAD_TYPE', [...path, 'port'], 'must be a port number or a container port name');
  }
  if (isSet(port.endPort)) checkEndPort(port, [...path, 'endPort'], report);
}

function checkEndPort(port: NetworkPolicyPortManifest, path: PolicyPath, report: Report): void {
  const { endPort } = port;
  if (typeof endPort !== 'number' || !isPortNumber(endPort))
    return report('BAD_VALUE', path, `${String(endPort)} is not a port number: expected 1 to 65535`);
  if (!isSet(port.port)) return report('CONFLICT', path, 'may not be set when port is not specified');
  if (typeof port.port === 'string')
    return report('CONFLICT', path, 'may not be set when port is a named port');
  if (typeof port.port === 'number' && endPort < port.port)
    report('BAD_VALUE', path, `must be greater than or equal to port (${port.port})`);
}

export function isPortNumber(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** IANA_SVC_NAME, as Kubernetes validates container port names. */
export function portNameProblem(name: string): string | undefined {
  if (name.length > 15) return `"${name}" is not a port name: must be at most 15 characters`;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) || name.includes('--'))
    return `"${name}" is not a port name: lowercase letters, digits and single "-" inside`;
  if (!/[a-z]/.test(name)) return `"${name}" is not a port name: must contain at least one letter`;
  return undefined;
}
