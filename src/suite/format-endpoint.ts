/** Endpoints back in the one-line grammar: names for map-form assertions, and report text. */
import type { Protocol } from '../policy/index.js';
import { assertNever } from '../shared/index.js';
import { formatSelector, isEmptySelector } from '../policy/index.js';
import type { EndpointSpec, NamespaceSpec, PodSpec, PortSpec } from './types.js';

export function formatEndpoint(endpoint: EndpointSpec): string {
  switch (endpoint.kind) {
    case 'pods':
      return `${formatNamespace(endpoint.namespace)}/${formatPods(endpoint.pods)}`;
    case 'pod':
      return `pod:${endpoint.namespace}/${endpoint.name}`;
    case 'workload':
      return `${endpoint.workload}:${endpoint.namespace}/${endpoint.name}`;
    case 'service':
      return `svc:${endpoint.namespace}/${endpoint.name}`;
    case 'address':
      return formatAddress(endpoint);
    case 'node':
      return `node:${endpoint.name}`;
    default:
      return assertNever(endpoint);
  }
}

/** A destination with its port; an IPv6 destination goes in brackets before a port. */
export function formatDestination(endpoint: EndpointSpec, port?: PortSpec, protocol?: Protocol): string {
  if (port === undefined) return formatEndpoint(endpoint);
  const text = formatEndpoint(endpoint);
  const host = endpoint.kind === 'address' && endpoint.address.includes(':') ? `[${text}]` : text;
  return `${host}${formatPort(port, protocol)}`;
}

/** `:8080`, `:http`, `:53/udp`. */
export function formatPort(port: PortSpec, protocol?: Protocol): string {
  const number = port.kind === 'number' ? String(port.port) : port.name;
  return protocol === undefined ? `:${number}` : `:${number}/${protocol.toLowerCase()}`;
}

export function formatNamespace(namespace: NamespaceSpec): string {
  switch (namespace.kind) {
    case 'name':
      return namespace.name;
    case 'all':
      return '*';
    case 'selector':
      return `{${formatSelector(namespace.selector)}}`;
    default:
      return assertNever(namespace);
  }
}

export function formatPods(pods: PodSpec): string {
  return pods.kind === 'all' || isEmptySelector(pods.selector) ? '*' : formatSelector(pods.selector);
}

function formatAddress(endpoint: Extract<EndpointSpec, { kind: 'address' }>): string {
  const full = endpoint.address.includes(':') ? 128 : 32;
  return endpoint.prefix === full ? endpoint.address : `${endpoint.address}/${endpoint.prefix}`;
}
