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
 * With cluster policies, a direction's chain holds the Admin tier and jumps (`goto`, so
 * that a `return` goes back to the forward chain) to the NetworkPolicy stage, which
 * jumps to the Baseline tier when no NetworkPolicy isolates the pod: Pass is that goto.
 * Traffic between a pod and its own node is not filtered by NetworkPolicies (the spec
 * always allows it); the cluster tiers filter a pod's egress to it in the input hook.
 */
import { canonicalAddress, parseAddress, parseBlock, formatBlock } from '../addresses/index.js';
import type {
  AddressMatch,
  Allow,
  ClusterClauses,
  NodeRuleset,
  PodChains,
  PortMatch,
  TierClause,
} from './node-ruleset.js';
import { assertNever } from '../../shared/index.js';

export const TABLE = 'npa';
const HOST_LINK = /^cali[0-9a-f]{11}$/;

export function renderRuleset(ruleset: NodeRuleset): string {
  const reset = `table inet ${TABLE} {}\ndelete table inet ${TABLE}\n`;
  const egress = ruleset.pods.filter((pod) => pod.egress !== undefined || pod.clusterEgress !== undefined);
  const ingress = ruleset.pods.filter((pod) => pod.ingress !== undefined || pod.clusterIngress !== undefined);
  // Egress to the pod's own node meets the input hook; only cluster policies filter it.
  const local = ruleset.pods.filter((pod) => filtersOwnNode(pod));
  if (egress.length === 0 && ingress.length === 0) return reset;
  const egressMap = egress.map((pod) => vmapEntry(pod, 'eg'));
  const ingressMap = ingress.map((pod) => vmapEntry(pod, 'in'));
  const chains = [
    ...egress.flatMap((pod) => directionChains(pod, 'eg', pod.egress, pod.clusterEgress)),
    ...ingress.flatMap((pod) => directionChains(pod, 'in', pod.ingress, pod.clusterIngress)),
    ...local.flatMap((pod) => ownNodeChain(pod, pod.egress !== undefined, pod.clusterEgress)),
  ];
  const hook = (name: string, maps: readonly string[]) => [
    `chain ${name} {`,
    `  type filter hook ${name} priority filter; policy accept;`,
    '  ct state related accept',
    '  ct state established ct direction reply accept',
    ...maps,
    '}',
  ];
  const forward = hook('forward', [
    ...(egressMap.length === 0 ? [] : [`  iifname vmap { ${egressMap.join(', ')} }`]),
    ...(ingressMap.length === 0 ? [] : [`  oifname vmap { ${ingressMap.join(', ')} }`]),
  ]);
  const input =
    local.length === 0
      ? []
      : hook('input', [`  iifname vmap { ${local.map((pod) => vmapEntry(pod, 'egl')).join(', ')} }`]);
  const body = [...forward, ...input, ...chains.flat()].map((line) => `  ${line}`).join('\n');
  return `${reset}table inet ${TABLE} {\n${body}\n}\n`;
}

/**
 * The chains of one entry: `in`/`eg` (forward hook), `egl` (egress to the pod's own node,
 * input hook), and the stages a tiered direction goes through: `inp`/`egp` (the
 * NetworkPolicy stage, where Pass jumps) and `inb`/`egb` (the Baseline tier).
 */
type ChainKind = 'in' | 'eg' | 'egl' | 'inp' | 'egp' | 'inb' | 'egb';
type Verdicts = Readonly<Record<TierClause['verdict'], string>>;

function chainName(pod: PodChains, kind: ChainKind): string {
  if (!HOST_LINK.test(pod.hostLink)) throw new Error(`refusing interface name '${pod.hostLink}'`);
  return `${kind}-${pod.hostLink.slice(4)}`;
}

function vmapEntry(pod: PodChains, kind: ChainKind): string {
  return `"${pod.hostLink}" : jump ${chainName(pod, kind)}`;
}

/**
 * One direction of one pod, in the forward hook. Without cluster policies: the
 * NetworkPolicy allows, then drop. With them: the Admin tier's clauses (Pass and no match
 * go on to the NetworkPolicy stage); that stage's allows then drop when a NetworkPolicy
 * isolates the pod, else the Baseline tier; nothing matched there: allowed.
 */
function directionChains(
  pod: PodChains,
  kind: 'in' | 'eg',
  allows: readonly Allow[] | undefined,
  cluster: ClusterClauses | undefined,
): string[][] {
  // Egress returns to the forward chain so the destination's ingress chain still runs.
  const allowed = kind === 'eg' ? 'return' : 'accept';
  const field = kind === 'in' ? 'saddr' : 'daddr';
  const npRules = (allows ?? []).flatMap((allow) => clauseRules(allow, field, allowed));
  if (cluster === undefined) return [chain(pod, kind, [...npRules, 'drop'])];
  const np: ChainKind = kind === 'in' ? 'inp' : 'egp';
  const baseline: ChainKind = kind === 'in' ? 'inb' : 'egb';
  const hasBaseline = allows === undefined && cluster.baseline.length > 0;
  const afterAdmin = `goto ${chainName(pod, np)}`;
  const afterNp = allows !== undefined ? 'drop' : hasBaseline ? `goto ${chainName(pod, baseline)}` : allowed;
  return [
    chain(pod, kind, [
      ...tierRules(cluster.admin, field, { accept: allowed, deny: 'drop', pass: afterAdmin }),
      afterAdmin,
    ]),
    chain(pod, np, [...npRules, afterNp]),
    ...(hasBaseline
      ? [
          chain(pod, baseline, [
            ...tierRules(cluster.baseline, field, { accept: allowed, deny: 'drop', pass: allowed }),
            allowed,
          ]),
        ]
      : []),
  ];
}

/**
 * Egress to the pod's own node (and the host-network pods on it), in the input hook. The
 * NetworkPolicy stage always allows it ("traffic to and from the node where a Pod is
 * running is always allowed"), so only the cluster tiers can drop it.
 */
function ownNodeChain(pod: PodChains, isolated: boolean, cluster: ClusterClauses | undefined): string[][] {
  if (cluster === undefined || !filtersOwnNode(pod)) return [];
  const onward = !isolated && cluster.baseline.length > 0 ? `goto ${chainName(pod, 'egb')}` : 'return';
  return [
    chain(pod, 'egl', [
      ...tierRules(cluster.admin, 'daddr', { accept: 'return', deny: 'drop', pass: onward }),
      onward,
    ]),
  ];
}

/** An Admin clause, or Baseline ones for a pod whose egress no NetworkPolicy isolates. */
function filtersOwnNode(pod: PodChains): boolean {
  const cluster = pod.clusterEgress;
  if (cluster === undefined) return false;
  return cluster.admin.length > 0 || (pod.egress === undefined && cluster.baseline.length > 0);
}

function tierRules(clauses: readonly TierClause[], field: 'saddr' | 'daddr', verdicts: Verdicts): string[] {
  return clauses.flatMap((clause) => clauseRules(clause, field, verdicts[clause.verdict]));
}

/** A chain of rules, each written once (a repeated rule could never match). */
function chain(pod: PodChains, kind: ChainKind, rules: readonly string[]): string[] {
  return [
    `chain ${chainName(pod, kind)} {`,
    `  comment ${quote(pod.pod)}`,
    ...[...new Set(rules)].map((r) => `  ${r}`),
    '}',
  ];
}

function clauseRules(allow: Allow, field: 'saddr' | 'daddr', verdict: string): string[] {
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
