/**
 * The port side of a case, from a rule's `ports`: a port each listed entry admits, and
 * one that no entry admits. Named ports and "every port" are resolved the way the
 * planner will: on the pods the destination stands for.
 */
import type { ContainerPort, Pod, Protocol } from '../policy/index.js';
import type { PortMatcher, PortRule } from '../policy/index.js';
import { assertNever } from '../shared/index.js';
import type { PortChoice } from './generated-case.js';
import type { FeatureTag } from './tags.js';

/** Used where a port number is needed and the destination declares none, e.g. a probe responder. */
export const DEFAULT_PORT = 80;
const MAX_PORT = 65_535;

/** What the port side is probed on: the existing pods behind the destination, or an address. */
export type PortTarget =
  { readonly kind: 'pods'; readonly pods: readonly Pod[] } | { readonly kind: 'address' };

/** One choice per port entry the rule lists (two for a range: its ends); one for "any port". */
export function admittedPorts(matcher: PortMatcher, target: PortTarget): PortChoice[][] {
  if (matcher.kind === 'anyPort') return [[anyPort(target)]];
  return matcher.ports.map((rule) => choicesFor(rule, target));
}

/** The first port entry's first choice: what peer cases are probed on. */
export function firstAdmittedPort(matcher: PortMatcher, target: PortTarget): PortChoice | undefined {
  return admittedPorts(matcher, target).find((choices) => choices.length > 0)?.[0];
}

function anyPort(target: PortTarget): PortChoice {
  const pods = target.kind === 'pods' ? target.pods : [];
  if (pods.length > 0 && pods.every((pod) => pod.ports.length > 0))
    return { protocol: 'TCP', tags: ['any-port'], label: 'every declared port' };
  return numbered(DEFAULT_PORT, 'TCP', ['any-port']);
}

function choicesFor(rule: PortRule, target: PortTarget): PortChoice[] {
  switch (rule.kind) {
    case 'allPortsOf': {
      const declared = declaredPorts(target).find((p) => p.protocol === rule.protocol);
      return [numbered(declared?.port ?? DEFAULT_PORT, rule.protocol, ['any-port'])];
    }
    case 'number':
      return rule.endPort === undefined
        ? [numbered(rule.port, rule.protocol, ['numbered-port'])]
        : [
            numbered(rule.port, rule.protocol, ['port-range']),
            numbered(rule.endPort, rule.protocol, ['port-range']),
          ];
    case 'named': {
      // A named port is looked up on each destination pod: no pods (or an address), no port.
      if (target.kind === 'address' || target.pods.length === 0) return [];
      const everyPodDeclares = target.pods.every((pod) =>
        pod.ports.some((p) => p.name === rule.name && p.protocol === rule.protocol),
      );
      if (!everyPodDeclares) return [];
      return [
        {
          port: { kind: 'name', name: rule.name },
          protocol: rule.protocol,
          tags: ['named-port', ...protocolTags(rule.protocol)],
          label: `${rule.name}/${rule.protocol}`,
        },
      ];
    }
    default:
      return assertNever(rule);
  }
}

/**
 * A port the listed entries do not admit: a port the destination declares if one is
 * left out (the realistic case: the database's metrics port), else the port after the
 * highest numbered entry. None for "any port", or when nothing is left to choose.
 */
export function unlistedPort(matcher: PortMatcher, target: PortTarget): PortChoice | undefined {
  if (matcher.kind === 'anyPort') return undefined;
  const rules = matcher.ports;
  const declared = declaredPorts(target).find((p) => !rules.some((rule) => admitsDeclared(rule, p)));
  if (declared !== undefined) return numbered(declared.port, declared.protocol, ['numbered-port']);
  const numberedRules = rules.filter((rule) => rule.kind === 'number');
  const first = numberedRules[0];
  if (first === undefined) return undefined;
  let port = Math.max(...numberedRules.map((rule) => rule.endPort ?? rule.port)) + 1;
  while (port <= MAX_PORT && rules.some((rule) => admitsNumber(rule, port, first.protocol))) port++;
  return port > MAX_PORT ? undefined : numbered(port, first.protocol, ['numbered-port']);
}

/** Just outside a range: the port before its start and the one after its end. */
export function portsBesideRange(rule: PortRule): PortChoice[] {
  if (rule.kind !== 'number' || rule.endPort === undefined) return [];
  return [rule.port - 1, rule.endPort + 1]
    .filter((port) => port >= 1 && port <= MAX_PORT)
    .map((port) => numbered(port, rule.protocol, ['port-range']));
}

function numbered(port: number, protocol: Protocol, tags: readonly FeatureTag[]): PortChoice {
  return {
    port: { kind: 'number', port },
    protocol,
    tags: [...tags, ...protocolTags(protocol)],
    label: `${port}/${protocol}`,
  };
}

export function protocolTags(protocol: Protocol): FeatureTag[] {
  switch (protocol) {
    case 'TCP':
      return [];
    case 'UDP':
      return ['udp'];
    case 'SCTP':
      return ['sctp'];
    default:
      return assertNever(protocol);
  }
}

/** The first destination pod's declared ports: the planner probes them when no port is given. */
function declaredPorts(target: PortTarget): readonly ContainerPort[] {
  return target.kind === 'pods' ? (target.pods[0]?.ports ?? []) : [];
}

function admitsDeclared(rule: PortRule, declared: ContainerPort): boolean {
  if (rule.kind === 'named') return rule.name === declared.name && rule.protocol === declared.protocol;
  return admitsNumber(rule, declared.port, declared.protocol);
}

function admitsNumber(rule: PortRule, port: number, protocol: Protocol): boolean {
  if (rule.protocol !== protocol) return false;
  switch (rule.kind) {
    case 'allPortsOf':
      return true;
    case 'number':
      return port >= rule.port && port <= (rule.endPort ?? rule.port);
    case 'named':
      return false;
    default:
      return assertNever(rule);
  }
}
