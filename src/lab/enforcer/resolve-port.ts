/**
 * A `ports` entry, resolved: protocol defaults to TCP; no port means every port of the
 * protocol; a number up to endPort is a range; a name is looked up among the destination
 * pod's containerPorts with the same protocol (no such port: the entry admits nothing).
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports
 */
import type { ContainerPort, NetworkPolicyPortManifest, Protocol } from '../../policy/index.js';
import type { PortMatch } from './node-ruleset.js';

export type ResolvedPort =
  | { readonly kind: 'match'; readonly match: PortMatch }
  /** A container port name: its number depends on the destination pod. */
  | { readonly kind: 'named'; readonly protocol: Protocol; readonly name: string }
  /** An entry the API server would reject: admits nothing. */
  | { readonly kind: 'nothing' };

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export function resolvePort(entry: NetworkPolicyPortManifest): ResolvedPort {
  const protocol = entry.protocol ?? 'TCP';
  if (!PROTOCOLS.includes(protocol as Protocol)) return { kind: 'nothing' };
  const known = protocol as Protocol;
  const port = entry.port ?? undefined;
  const endPort = entry.endPort ?? undefined;
  if (port === undefined) {
    return endPort === undefined
      ? { kind: 'match', match: { kind: 'protocol', protocol: known } }
      : nothing();
  }
  if (typeof port === 'string') {
    return endPort === undefined ? { kind: 'named', protocol: known, name: port } : nothing();
  }
  const last = endPort ?? port;
  if (!isPort(port) || !isPort(last) || last < port) return nothing();
  return { kind: 'match', match: { kind: 'portRange', protocol: known, first: port, last } };
}

function nothing(): ResolvedPort {
  return { kind: 'nothing' };
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** The numbers a name stands for on one pod (all containers' ports with that name and protocol). */
export function namedPortOn(ports: readonly ContainerPort[], name: string, protocol: Protocol): PortMatch[] {
  return ports
    .filter((port) => port.name === name && port.protocol === protocol)
    .map((port) => ({ kind: 'portRange', protocol, first: port.port, last: port.port }));
}
