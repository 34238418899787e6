/** One assertion, the one-line string or the map, with the suite's defaults filled in. */
import type { Protocol } from '../policy/index.js';
import { formatDestination, formatEndpoint, formatPort } from './format-endpoint.js';
import type { ValuePath } from './locate-node.js';
import { parseAssertionLine } from './parse-assertion.js';
import { parseDuration } from './parse-duration.js';
import type { ParsedEndpoint } from './parse-endpoint.js';
import { protocolOf } from './parse-port.js';
import { atOffset, atValue, type ResolveContext } from './resolve-context.js';
import { resolveEndpoint } from './resolve-endpoint.js';
import { isPlainMap } from './resolve-selector.js';
import type { Assertion, Expectation, PortSpec, SuiteDefaults } from './types.js';

/** The assertion, or undefined when a problem in it was reported. */
export function resolveAssertion(
  value: unknown,
  path: ValuePath,
  defaults: SuiteDefaults,
  context: ResolveContext,
): Assertion | undefined {
  if (context.isFlagged(path)) return undefined;
  if (typeof value === 'string') return resolveLine(value, path, defaults, context);
  if (isPlainMap(value)) return resolveMap(value, path, defaults, context);
  return undefined;
}

function resolveLine(
  text: string,
  path: ValuePath,
  defaults: SuiteDefaults,
  context: ResolveContext,
): Assertion | undefined {
  const result = parseAssertionLine(text);
  if (!result.ok) {
    for (const p of result.problems) context.report(p.code, p.message, atOffset(path, p.offset));
    return undefined;
  }
  const { from, to, port, protocol, expect } = result.value;
  return {
    name: text.trim(),
    from,
    to,
    ...(port !== undefined ? { port } : {}),
    protocol: protocol ?? defaults.protocol,
    expect,
    timeoutMs: defaults.timeoutMs,
    attempts: defaults.attempts,
    location: context.locate(path),
    origin: { kind: 'suite' },
  };
}

type AssertionMap = Readonly<Record<string, unknown>>;

/** The skip reason of `skip: true`. */
export const SKIPPED_WITHOUT_REASON = 'skipped in the suite';

function resolveMap(
  map: AssertionMap,
  path: ValuePath,
  defaults: SuiteDefaults,
  context: ResolveContext,
): Assertion | undefined {
  const field = (key: string): unknown => (context.isFlagged([...path, key]) ? undefined : map[key]);
  const from =
    field('from') === undefined
      ? undefined
      : resolveEndpoint(map['from'], [...path, 'from'], 'source', context);
  const to =
    field('to') === undefined
      ? undefined
      : resolveEndpoint(map['to'], [...path, 'to'], 'destination', context);
  const portKey = portOf(field('port'));
  const protocolKey = typeof field('protocol') === 'string' ? protocolOf(String(map['protocol'])) : undefined;
  const agrees = to === undefined || destinationAgrees(to, portKey, protocolKey, path, context);
  const timeoutMs = timeoutOf(field('timeout'), [...path, 'timeout'], defaults.timeoutMs, context);
  const expect = field('expect');
  const attempts = field('attempts');
  const skip = field('skip');
  if (from === undefined || to === undefined || !agrees || timeoutMs === undefined) return undefined;
  if (expect !== 'allow' && expect !== 'deny') return undefined;
  const port = to.port ?? portKey;
  return {
    name:
      typeof map['name'] === 'string' ? map['name'] : mapName(map, from, to, portKey, protocolKey, expect),
    from: from.endpoint,
    to: to.endpoint,
    ...(port !== undefined ? { port } : {}),
    protocol: to.protocol ?? protocolKey ?? defaults.protocol,
    expect,
    timeoutMs,
    attempts: typeof attempts === 'number' ? attempts : defaults.attempts,
    ...(skip === true ? { skip: SKIPPED_WITHOUT_REASON } : typeof skip === 'string' ? { skip } : {}),
    location: context.locate(path),
    origin: { kind: 'suite' },
  };
}

function portOf(value: unknown): PortSpec | undefined {
  if (typeof value === 'number') return { kind: 'number', port: value };
  if (typeof value === 'string') return { kind: 'name', name: value };
  return undefined;
}

/** `to: x:53/udp` and `port:`/`protocol:` may both be given, but must then say the same. */
function destinationAgrees(
  to: ParsedEndpoint,
  port: PortSpec | undefined,
  protocol: Protocol | undefined,
  path: ValuePath,
  context: ResolveContext,
): boolean {
  let agrees = true;
  if (to.port !== undefined && port !== undefined && formatPort(to.port) !== formatPort(port)) {
    const message = `port ${formatPort(port).slice(1)} disagrees with port ${formatPort(to.port).slice(1)} in "to"; give the port once`;
    context.report('BAD_PORT', message, atValue([...path, 'port']));
    agrees = false;
  }
  if (to.protocol !== undefined && protocol !== undefined && to.protocol !== protocol) {
    const message = `protocol ${protocol} disagrees with ${to.protocol} in "to"; give the protocol once`;
    context.report('BAD_PROTOCOL', message, atValue([...path, 'protocol']));
    agrees = false;
  }
  return agrees;
}

function timeoutOf(
  value: unknown,
  path: ValuePath,
  fallback: number,
  context: ResolveContext,
): number | undefined {
  if (typeof value !== 'string') return fallback;
  const result = parseDuration(value);
  if (result.ok) return result.value;
  for (const p of result.problems) context.report(p.code, p.message, atOffset(path, p.offset));
  return undefined;
}

/** Unnamed map assertions are named by their one-line equivalent. */
function mapName(
  map: AssertionMap,
  from: ParsedEndpoint,
  to: ParsedEndpoint,
  port: PortSpec | undefined,
  protocol: Protocol | undefined,
  expect: Expectation,
): string {
  const source = typeof map['from'] === 'string' ? map['from'].trim() : formatEndpoint(from.endpoint);
  const written = typeof map['to'] === 'string' ? map['to'].trim() : formatEndpoint(to.endpoint);
  return `from ${source} to ${destinationName(map['to'], written, to, port, protocol)} expect ${expect}`;
}

function destinationName(
  value: unknown,
  written: string,
  to: ParsedEndpoint,
  port: PortSpec | undefined,
  protocol: Protocol | undefined,
): string {
  if (to.port !== undefined || port === undefined) return written;
  const ipv6 = to.endpoint.kind === 'address' && to.endpoint.address.includes(':');
  if (typeof value === 'string' && !ipv6) return `${written}${formatPort(port, protocol)}`;
  return formatDestination(to.endpoint, port, protocol);
}
