/**
 * A node's ruleset as an nftables script for `nft -f -`: one `table inet npa` in the
 * node's namespace, replaced as a whole in one transaction (create-if-absent, delete,
 * define). Every value written here is checked first, so no text from an API object
 * other than a sanitised comment reaches nft.
 *
 * Traffic through the node meets, in the forward hook: related packets and replies of
 * tracked connections accepted; then the egress chain of the pod it comes from (by
 * input interface) and the ingress chain of the pod it goes to (by output interface).
 * A chain lets a packet on when an allow clause matches, else drops it. Packets in the
 * original direction of a tracked flow are checked again, so a policy change also
 * applies to a UDP flow that happens to reuse an old 5-tuple.
 * Traffic between a pod and its own node (input/output hooks) is not filtered: the
 * spec always allows it.
 */
import { canonicalAddress, parseAddress, parseBlock, formatBlock } from '../addresses/index.js';
import type { AddressMatch, Allow, NodeRuleset, PodChains, PortMatch } from './node-ruleset.js';
import { assertNever } from '../../shared/index.js';

export const TABLE = 'npa';
const HOST_LINK = /^cali[0-9a-f]{11}$/;

export function renderRuleset(ruleset: NodeRuleset): string {
  const reset = `table inet ${TABLE} {}\ndelete table inet ${TABLE}\n`;
  const filtered = ruleset.pods.filter((pod) => pod.ingress !== undefined || pod.egress !== undefined);
  if (filtered.length === 0) return reset;
  const egressMap = filtered.filter((pod) => pod.egress !== undefined).map((pod) => vmapEntry(pod, 'eg'));
  const ingressMap = filtered.filter((pod) => pod.ingress !== undefined).map((pod) => vmapEntry(pod, 'in'));
  const chains = filtered.flatMap((pod) => [
    ...(pod.egress === undefined ? [] : [chain(pod, 'eg', pod.egress)]),
    ...(pod.ingress === undefined ? [] : [chain(pod, 'in', pod.ingress)]),
  ]);
  const forward = [
    'chain forward {',
    '  type filter hook forward priority filter; policy accept;',
    '  ct state related accept',
    '  ct state established ct direction reply accept',
    ...(egressMap.length === 0 ? [] : [`  iifname vmap { ${egressMap.join(', ')} }`]),
    ...(ingressMap.length === 0 ? [] : [`  oifname vmap { ${ingressMap.join(', ')} }`]),
    '}',
  ];
  const body = [...forward, ...chains.flat()].map((line) => `  ${line}`).join('\n');
  return `${reset}table inet ${TABLE} {\n${body}\n}\n`;
}

type ChainKind = 'in' | 'eg';

function chainName(pod: PodChains, kind: ChainKind): string {
  if (!HOST_LINK.test(pod.hostLink)) throw new Error(`refusing interface name '${pod.hostLink}'`);
  return `${kind}-${pod.hostLink.slice(4)}`;
}

function vmapEntry(pod: PodChains, kind: ChainKind): string {
  return `"${pod.hostLink}" : jump ${chainName(pod, kind)}`;
}

function chain(pod: PodChains, kind: ChainKind, allows: readonly Allow[]): string[] {
  // Egress returns to the forward chain so the destination's ingress chain still runs.
  const verdict = kind === 'eg' ? 'return' : 'accept';
  const rules = [...new Set(allows.flatMap((allow) => clauseRules(allow, kind, verdict)))];
  return [
    `chain ${chainName(pod, kind)} {`,
    `  comment ${quote(pod.pod)}`,
    ...rules.map((r) => `  ${r}`),
    '  drop',
    '}',
  ];
}

function clauseRules(allow: Allow, kind: ChainKind, verdict: string): string[] {
  const field = kind === 'in' ? 'saddr' : 'daddr';
  const port = portText(allow.port);
  return addressTexts(allow.peer, field).map((address) =>
    [address, port, verdict, `comment ${quote(allow.origin)}`].filter((part) => part !== '').join(' '),
  );
}

/** One text per address family the match covers (an empty text matches any address). */
function addressTexts(match: AddressMatch, field: 'saddr' | 'daddr'): string[] {
  switch (match.kind) {
    case 'anyAddress':
      return [''];
    case 'addresses': {
      const checked = match.addresses.map(checkAddress);
      const v4 = checked.filter((address) => !address.includes(':'));
      const v6 = checked.filter((address) => address.includes(':'));
      return [
        ...(v4.length === 0 ? [] : [`ip ${field} ${setOf(v4)}`]),
        ...(v6.length === 0 ? [] : [`ip6 ${field} ${setOf(v6)}`]),
      ];
    }
    case 'block': {
      const cidr = checkBlock(match.cidr);
      const keyword = cidr.includes(':') ? 'ip6' : 'ip';
      const except = match.except.map(checkBlock);
      return [
        `${keyword} ${field} ${cidr}${except.length === 0 ? '' : ` ${keyword} ${field} != ${setOf(except)}`}`,
      ];
    }
    default:
      return assertNever(match);
  }
}

function portText(match: PortMatch): string {
  switch (match.kind) {
    case 'anyPort':
      return '';
    case 'protocol':
      return `meta l4proto ${protocolWord(match.protocol)}`;
    case 'portRange': {
      const range =
        match.first === match.last
          ? `${checkPort(match.first)}`
          : `${checkPort(match.first)}-${checkPort(match.last)}`;
      return `meta l4proto ${protocolWord(match.protocol)} th dport ${range}`;
    }
    default:
      return assertNever(match);
  }
}

function protocolWord(protocol: string): string {
  switch (protocol) {
    case 'TCP':
      return 'tcp';
    case 'UDP':
      return 'udp';
    case 'SCTP':
      return 'sctp';
    default:
      throw new Error(`refusing protocol '${protocol}'`);
  }
}

function setOf(items: readonly string[]): string {
  const unique = [...new Set(items)].sort();
  return unique.length === 1 ? (unique[0] ?? '') : `{ ${unique.join(', ')} }`;
}

function checkAddress(text: string): string {
  if (canonicalAddress(text) !== text || parseAddress(text) === undefined) {
    throw new Error(`refusing address '${text}'`);
  }
  return text;
}

function checkBlock(text: string): string {
  const block = parseBlock(text);
  if (block === undefined || formatBlock(block) !== text) throw new Error(`refusing block '${text}'`);
  return text;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`refusing port ${port}`);
  return port;
}

/** A comment nft accepts whatever the API object said: safe characters only, short. */
function quote(text: string): string {
  return `"${text.replace(/[^A-Za-z0-9 ./_:[\]-]/g, '_').slice(0, 120)}"`;
}
