/** PORT and PROTO of the one-line grammar; the map form's schema states the same rules. */
import type { Protocol } from '../policy/index.js';
import { failed, parsed, problem, type Parsed } from './text-problem.js';
import type { PortSpec } from './types.js';

const PORT_NUMBER = /^[0-9]+$/;
/** IANA_SVC_NAME, as Kubernetes validates a container port name. */
const PORT_NAME = /^(?=[a-z0-9-]*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;
const PROTOCOLS: Readonly<Record<string, Protocol>> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };

export const PORT_NAME_RULES =
  'a container port name (at most 15 lowercase letters, digits and "-", with at least one letter)';

export function portOutOfRange(port: number | string): string {
  return `port ${port} is out of range; expected 1..65535`;
}

export function isPortName(text: string): boolean {
  return text.length <= 15 && PORT_NAME.test(text);
}

export function parsePort(text: string): Parsed<PortSpec> {
  if (text.length === 0) return failed(problem('BAD_PORT', 'expected a port number or name after ":"', 0));
  if (PORT_NUMBER.test(text)) {
    const port = Number(text);
    if (port < 1 || port > 65535) return failed(problem('BAD_PORT', portOutOfRange(text), 0));
    return parsed({ kind: 'number', port });
  }
  if (isPortName(text)) return parsed({ kind: 'name', name: text });
  return failed(
    problem(
      'BAD_PORT',
      `port "${text}" is not a valid port; expected a number 1..65535 or ${PORT_NAME_RULES}`,
      0,
    ),
  );
}

/** tcp, udp or sctp in any case. */
export function protocolOf(text: string): Protocol | undefined {
  const key = text.toLowerCase();
  return Object.hasOwn(PROTOCOLS, key) ? PROTOCOLS[key] : undefined;
}

export function parseProtocol(text: string): Parsed<Protocol> {
  const protocol = protocolOf(text);
  if (protocol !== undefined) return parsed(protocol);
  const found = text.length === 0 ? 'nothing' : `"${text}"`;
  return failed(problem('BAD_PROTOCOL', `expected "tcp", "udp" or "sctp" after "/", found ${found}`, 0));
}
