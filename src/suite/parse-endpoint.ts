/**
 * SRC and DST of the one-line grammar (also the string form of `from:`/`to:` in a map):
 * NS/PODS, pod:NS/NAME, deploy:|sts:|ds:NS/NAME, svc:NS/NAME, an IP or CIDR, node:NAME;
 * a destination may end in :PORT[/PROTO]. See docs/contract.md §1.
 */
import type { Protocol } from '../policy/index.js';
import { assertNever } from '../shared/index.js';
import { isEmptySelector, parseSelector, type LabelSelector } from '../policy/index.js';
import { namespaceNameProblem, objectNameProblem, serviceNameProblem } from './names.js';
import { parseAddress } from './parse-address.js';
import { parsePort, parseProtocol } from './parse-port.js';
import { firstIndexAtDepthZero, lastIndexAtDepthZero, trimmed, unclosedBracket } from './scan-text.js';
import { failed, parsed, problem, shifted, type Parsed, type TextProblem } from './text-problem.js';
import type { EndpointSpec, NamespaceSpec, PodSpec, PortSpec } from './types.js';

export type EndpointRole = 'source' | 'destination';

export interface ParsedEndpoint {
  readonly endpoint: EndpointSpec;
  /** Only a destination carries a port, and a protocol only after a port. */
  readonly port?: PortSpec;
  readonly protocol?: Protocol;
}

export const ENDPOINT_FORMS =
  'NAMESPACE/PODS, pod:NS/NAME, deploy:|sts:|ds:NS/NAME, svc:NS/NAME, node:NAME, an IP or a CIDR';

type NamedKind = 'pod' | 'deploy' | 'sts' | 'ds' | 'svc';
const NAMED_KINDS: Readonly<Record<string, NamedKind>> = {
  pod: 'pod',
  deploy: 'deploy',
  sts: 'sts',
  ds: 'ds',
  svc: 'svc',
};
const WORKLOAD_NOUNS: Readonly<Record<NamedKind, string>> = {
  pod: 'pod',
  deploy: 'deployment',
  sts: 'statefulset',
  ds: 'daemonset',
  svc: 'service',
};
/** What people type for a kind, and the prefix they meant. */
const KIND_ALIASES: Readonly<Record<string, string>> = {
  pods: 'pod',
  deployment: 'deploy',
  deployments: 'deploy',
  statefulset: 'sts',
  statefulsets: 'sts',
  daemonset: 'ds',
  daemonsets: 'ds',
  service: 'svc',
  services: 'svc',
  nodes: 'node',
};

const KIND_PREFIX = /^([A-Za-z][A-Za-z0-9-]*):/;
/** Two colons among hex digits before anything else: an IPv6 address, not `kind:`. */
const BARE_IPV6 = /^[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:/;
const IPV4_START = /^[0-9]+\.[0-9.]*(\/|$)/;
const IPV6_PORT_HINT = 'an IPv6 address with a port goes in brackets, e.g. [fd00::1]:53/udp';

export function parseEndpoint(raw: string, role: EndpointRole): Parsed<ParsedEndpoint> {
  const { text, offset } = trimmed(raw);
  if (text === '') return failed(problem('BAD_ENDPOINT', `expected ${roleNoun(role)}: ${ENDPOINT_FORMS}`, 0));
  const unclosed = unclosedProblem(text);
  if (unclosed !== undefined) return failed(...shifted([unclosed], offset));
  const result = parseTrimmed(text, role);
  return result.ok ? result : failed(...shifted(result.problems, offset));
}

/** `{team=ops`, `tier in (a,b`, `[fd00::1`: reported at the bracket left open. */
export function unclosedProblem(text: string): TextProblem | undefined {
  const unclosed = unclosedBracket(text);
  if (unclosed === undefined) return undefined;
  const code = unclosed.char === '[' ? 'BAD_ADDRESS' : 'BAD_SELECTOR';
  return problem(code, `"${unclosed.char}" is never closed; expected "${unclosed.closer}"`, unclosed.offset);
}

function roleNoun(role: EndpointRole): string {
  return role === 'source' ? 'a source' : 'a destination';
}

function parseTrimmed(text: string, role: EndpointRole): Parsed<ParsedEndpoint> {
  if (text.startsWith('[')) return bracketedAddress(text, role);
  if (BARE_IPV6.test(text)) return bareIpv6(text);
  const prefix = KIND_PREFIX.exec(text)?.[1];
  if (prefix !== undefined) {
    if (prefix === 'node') return node(text, role);
    const kind = Object.hasOwn(NAMED_KINDS, prefix) ? NAMED_KINDS[prefix] : undefined;
    if (kind !== undefined) return namedObject(kind, text, role);
    // `shop:80` is a namespace missing its pods, not a kind.
    if (text.slice(prefix.length + 1).includes('/')) return unknownKind(prefix);
  }
  return podsOrIpv4(text, role);
}

function unknownKind(prefix: string): Parsed<ParsedEndpoint> {
  const lower = prefix.toLowerCase();
  const meant = Object.hasOwn(KIND_ALIASES, lower) ? KIND_ALIASES[lower] : lower;
  const known = Object.hasOwn(NAMED_KINDS, meant ?? '') || meant === 'node';
  const hint = known ? ` (did you mean "${meant}:"?)` : '';
  return failed(
    problem(
      'BAD_ENDPOINT',
      `unknown endpoint kind "${prefix}:"${hint}; expected pod:, deploy:, sts:, ds:, svc: or node:, or NAMESPACE/PODS, an IP or a CIDR`,
      0,
    ),
  );
}

interface PortSplit {
  readonly main: string;
  readonly port?: PortSpec;
  readonly protocol?: Protocol;
  readonly problems: readonly TextProblem[];
}

/** Splits `:PORT[/PROTO]` off the end, searching for the `:` from `from` on. */
function splitPort(text: string, role: EndpointRole, from: number): PortSplit {
  const colon = lastIndexAtDepthZero(text, ':');
  if (colon < from) return { main: text, problems: [] };
  const main = text.slice(0, colon);
  const portPart = text.slice(colon + 1);
  if (role === 'source') {
    const message = `a port belongs to the destination; found ":${portPart}" on the source`;
    return { main, problems: [problem('BAD_PORT', message, colon)] };
  }
  const slash = portPart.indexOf('/');
  const port = parsePort(slash === -1 ? portPart : portPart.slice(0, slash));
  const protocol = slash === -1 ? undefined : parseProtocol(portPart.slice(slash + 1));
  const problems = [
    ...(port.ok ? [] : shifted(port.problems, colon + 1)),
    ...(protocol === undefined || protocol.ok ? [] : shifted(protocol.problems, colon + slash + 2)),
  ];
  return {
    main,
    problems,
    ...(port.ok ? { port: port.value } : {}),
    ...(protocol?.ok ? { protocol: protocol.value } : {}),
  };
}

function withPort(endpoint: EndpointSpec, split: PortSplit): ParsedEndpoint {
  return {
    endpoint,
    ...(split.port !== undefined ? { port: split.port } : {}),
    ...(split.protocol !== undefined ? { protocol: split.protocol } : {}),
  };
}

function bracketedAddress(text: string, role: EndpointRole): Parsed<ParsedEndpoint> {
  const close = text.indexOf(']');
  if (close === -1)
    return failed(problem('BAD_ADDRESS', 'expected "]" to close the IPv6 address', text.length));
  const rest = text.slice(close + 1);
  if (rest !== '' && !rest.startsWith(':'))
    return failed(problem('BAD_ADDRESS', `expected ":PORT" after "]", found "${rest}"`, close + 1));
  const address = parseAddress(text.slice(1, close));
  const split = splitPort(text, role, close + 1);
  const problems = [...(address.ok ? [] : shifted(address.problems, 1)), ...split.problems];
  if (!address.ok || problems.length > 0) return failed(...problems);
  return parsed(withPort({ kind: 'address', ...address.value }, split));
}

function bareIpv6(text: string): Parsed<ParsedEndpoint> {
  const address = parseAddress(text);
  if (address.ok) return parsed({ endpoint: { kind: 'address', ...address.value } });
  return failed(problem('BAD_ADDRESS', `"${text}" is not an IPv6 address or CIDR; ${IPV6_PORT_HINT}`, 0));
}

function node(text: string, role: EndpointRole): Parsed<ParsedEndpoint> {
  const start = 'node:'.length;
  const split = splitPort(text, role, start);
  const name = split.main.slice(start);
  const nameProblem = objectNameProblem('node', name);
  const problems = [
    ...(nameProblem === undefined ? [] : [problem('BAD_ENDPOINT', nameProblem, start)]),
    ...split.problems,
  ];
  if (problems.length > 0) return failed(...problems);
  return parsed(withPort({ kind: 'node', name }, split));
}

function namedObject(kind: NamedKind, text: string, role: EndpointRole): Parsed<ParsedEndpoint> {
  if (kind === 'svc' && role === 'source')
    return failed(
      problem(
        'BAD_ENDPOINT',
        '"svc:" names a Service, which is a destination only; as a source name its pods, e.g. "deploy:NS/NAME" or "NS/app=NAME"',
        0,
      ),
    );
  const start = kind.length + 1;
  const split = splitPort(text, role, start);
  const ref = split.main.slice(start);
  const slash = ref.indexOf('/');
  if (slash === -1)
    return failed(problem('BAD_ENDPOINT', `expected "${kind}:NAMESPACE/NAME", found "${split.main}"`, start));
  const namespace = ref.slice(0, slash);
  const name = ref.slice(slash + 1);
  const problems = [
    ...namespaceOfNamed(kind, namespace, start),
    ...nameOfNamed(kind, name, start + slash + 1),
    ...split.problems,
  ];
  if (problems.length > 0) return failed(...problems);
  return parsed(withPort(namedEndpoint(kind, namespace, name), split));
}

function namespaceOfNamed(kind: NamedKind, namespace: string, offset: number): TextProblem[] {
  if (namespace === '*' || namespace.startsWith('{'))
    return [problem('BAD_ENDPOINT', `"${kind}:" takes one namespace by name; found "${namespace}"`, offset)];
  const message = namespaceNameProblem(namespace);
  return message === undefined ? [] : [problem('BAD_ENDPOINT', message, offset)];
}

function nameOfNamed(kind: NamedKind, name: string, offset: number): TextProblem[] {
  const message = kind === 'svc' ? serviceNameProblem(name) : objectNameProblem(WORKLOAD_NOUNS[kind], name);
  return message === undefined ? [] : [problem('BAD_ENDPOINT', message, offset)];
}

function namedEndpoint(kind: NamedKind, namespace: string, name: string): EndpointSpec {
  switch (kind) {
    case 'pod':
      return { kind: 'pod', namespace, name };
    case 'svc':
      return { kind: 'service', namespace, name };
    case 'deploy':
    case 'sts':
    case 'ds':
      return { kind: 'workload', workload: kind, namespace, name };
    default:
      return assertNever(kind);
  }
}

function podsOrIpv4(text: string, role: EndpointRole): Parsed<ParsedEndpoint> {
  const split = splitPort(text, role, 0);
  const main = split.main;
  if (IPV4_START.test(main)) {
    const address = parseAddress(main);
    const problems = [...(address.ok ? [] : address.problems), ...split.problems];
    if (!address.ok || problems.length > 0) return failed(...problems);
    return parsed(withPort({ kind: 'address', ...address.value }, split));
  }
  const slash = firstIndexAtDepthZero(main, '/');
  if (slash === -1) return failed(missingPods(main), ...split.problems);
  const namespace = namespacePart(main.slice(0, slash));
  const pods = podsPart(main.slice(0, slash), main.slice(slash + 1), slash + 1);
  const problems = [
    ...(namespace.ok ? [] : namespace.problems),
    ...(pods.ok ? [] : pods.problems),
    ...split.problems,
  ];
  if (!namespace.ok || !pods.ok || problems.length > 0) return failed(...problems);
  return parsed(withPort({ kind: 'pods', namespace: namespace.value, pods: pods.value }, split));
}

function missingPods(main: string): TextProblem {
  const message = `expected NAMESPACE/PODS, found "${main}" (write "${main}/*" for every pod in a namespace)`;
  return problem('BAD_ENDPOINT', message, 0);
}

function namespacePart(text: string): Parsed<NamespaceSpec> {
  if (text === '')
    return failed(problem('BAD_ENDPOINT', 'expected a namespace before "/": a name, "*" or "{selector}"', 0));
  if (text === '*') return parsed({ kind: 'all' });
  if (text.startsWith('{')) {
    const close = text.lastIndexOf('}');
    if (close !== text.length - 1) {
      const extra = text.slice(close + 1);
      return failed(
        problem('BAD_ENDPOINT', `expected "/" after the namespace selector, found "${extra}"`, close + 1),
      );
    }
    const selector = selectorIn(text.slice(1, -1), 1);
    if (!selector.ok) return selector;
    return parsed(
      isEmptySelector(selector.value) ? { kind: 'all' } : { kind: 'selector', selector: selector.value },
    );
  }
  const message = namespaceNameProblem(text);
  if (message !== undefined) return failed(problem('BAD_ENDPOINT', message, 0));
  return parsed({ kind: 'name', name: text });
}

function podsPart(namespace: string, text: string, offset: number): Parsed<PodSpec> {
  if (text.trim() === '')
    return failed(
      problem(
        'BAD_ENDPOINT',
        `expected pods after "${namespace}/": "*" or a label selector`,
        offset + text.length,
      ),
    );
  if (text.trim() === '*') return parsed({ kind: 'all' });
  const selector = selectorIn(text, offset);
  if (!selector.ok) return selector;
  return parsed({ kind: 'selector', selector: selector.value });
}

function selectorIn(text: string, offset: number): Parsed<LabelSelector> {
  const result = parseSelector(text);
  if (result.ok) return parsed(result.selector);
  return failed(problem('BAD_SELECTOR', result.message, offset + result.offset));
}
