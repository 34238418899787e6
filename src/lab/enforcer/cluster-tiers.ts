/**
 * Cluster policies to per-pod tier clauses, the way a plugin that implements
 * policy.networking.k8s.io programs them (https://network-policy-api.sigs.k8s.io/):
 *
 * - Only pods on the pod network are subjects (host-network pods never are).
 * - Admin tier: Admin ClusterNetworkPolicies and AdminNetworkPolicies selecting the pod,
 *   lowest priority first; equal priorities by name, then ClusterNetworkPolicy first.
 *   Within a policy, the rules of the direction in the order written. The first rule whose
 *   peer and port match decides: Accept/Allow accepts, Deny drops, Pass hands the traffic
 *   to the NetworkPolicy stage.
 * - NetworkPolicy stage: as compile-rulesets.ts has always done, when one isolates the pod.
 * - Baseline tier, only when no NetworkPolicy isolates the pod in that direction: Baseline
 *   ClusterNetworkPolicies by priority, then the BaselineAdminNetworkPolicy `default`.
 *   Accept/Allow or Pass (which ends the last tier) accept, Deny drops.
 * - Nothing matched: accepted.
 *
 * Peers: `namespaces` and `pods` admit pods on the pod network; egress `networks` admit any
 * address in the CIDRs (pods and nodes too); egress `nodes` admit the addresses of the
 * nodes whose labels match (host-network pods use them); `domainNames` admit nothing here.
 * Ports: a number or range of one protocol; a named port is looked up on the destination
 * pod (the pod itself for ingress, each peer pod for egress) in whatever protocol it has.
 */
import type { Labels } from '../../policy/index.js';
import type { Address } from '../addresses/index.js';
import { blockContains, formatBlock, parseAddress, parseBlock } from '../addresses/index.js';
import type {
  ClusterPolicyObject,
  PodSelection,
  TierPeer,
  TierPolicy,
  TierRule,
} from './cluster-policy-object.js';
import { readTierPolicy } from './cluster-policy-object.js';
import type { EnforcedNode, EnforcedPod } from './enforcement-input.js';
import type { Direction } from './isolation.js';
import { selectorMatches } from './match-selector.js';
import type { AddressMatch, ClusterClauses, PortMatch, TierClause } from './node-ruleset.js';

export interface OrderedTiers {
  readonly admin: readonly TierPolicy[];
  readonly baseline: readonly TierPolicy[];
}

export interface TierContext {
  /** Pods on the pod network (hostNetwork pods left out). */
  readonly networkPods: readonly EnforcedPod[];
  readonly nodes: readonly EnforcedNode[];
  readonly namespaceLabels: (namespace: string) => Labels;
  /** `--cni no-pass`: a plugin that treats Pass as Accept. */
  readonly passAsAccept: boolean;
}

/** The policies of each tier in the order they are evaluated. */
export function orderTiers(objects: readonly ClusterPolicyObject[]): OrderedTiers {
  const policies = objects
    .map(readTierPolicy)
    .filter((policy): policy is TierPolicy => policy !== undefined)
    .sort(evaluationOrder);
  return {
    admin: policies.filter((policy) => policy.tier === 'Admin'),
    baseline: policies.filter((policy) => policy.tier === 'Baseline'),
  };
}

function evaluationOrder(a: TierPolicy, b: TierPolicy): number {
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return kindRank(a.kind) - kindRank(b.kind);
}

function kindRank(kind: string): number {
  return kind === 'ClusterNetworkPolicy' ? 0 : 1;
}

/** The pod's clauses in one direction; undefined when no cluster policy rule can match its traffic. */
export function clusterClauses(
  pod: EnforcedPod,
  direction: Direction,
  tiers: OrderedTiers,
  context: TierContext,
): ClusterClauses | undefined {
  const admin = tierClauses(pod, direction, tiers.admin, context);
  const baseline = tierClauses(pod, direction, tiers.baseline, context);
  return admin.length === 0 && baseline.length === 0 ? undefined : { admin, baseline };
}

function tierClauses(
  pod: EnforcedPod,
  direction: Direction,
  policies: readonly TierPolicy[],
  context: TierContext,
): TierClause[] {
  return policies
    .filter((policy) => policy.subject !== undefined && selectsPod(policy.subject, pod, context))
    .flatMap((policy) => (direction === 'ingress' ? policy.ingress : policy.egress))
    .flatMap((rule) => ruleClauses(rule, pod, direction, context));
}

function selectsPod(selection: PodSelection, pod: EnforcedPod, context: TierContext): boolean {
  return (
    !pod.hostNetwork &&
    selectorMatches(selection.namespaces, context.namespaceLabels(pod.namespace)) &&
    (selection.pods === undefined || selectorMatches(selection.pods, pod.labels))
  );
}

interface ResolvedTierPeer {
  /** Each admits some addresses; empty when the peer admits nothing. */
  readonly matches: readonly AddressMatch[];
  /** Pods on the pod network among the addresses admitted (they have named ports). */
  readonly pods: readonly EnforcedPod[];
}

function ruleClauses(
  rule: TierRule,
  target: EnforcedPod,
  direction: Direction,
  context: TierContext,
): TierClause[] {
  const verdict = rule.action === 'pass' && context.passAsAccept ? 'accept' : rule.action;
  const clause = (peer: AddressMatch, port: PortMatch): TierClause => ({
    peer,
    port,
    verdict,
    origin: rule.origin,
  });
  return rule.peers
    .map((peer) => resolveTierPeer(peer, context))
    .flatMap((peer) => {
      if (rule.ports === undefined) return peer.matches.map((match) => clause(match, { kind: 'anyPort' }));
      return rule.ports.flatMap((port): TierClause[] => {
        switch (port.kind) {
          case 'nothing':
            return [];
          case 'range': {
            const { protocol, first, last } = port;
            return peer.matches.map((match) => clause(match, { kind: 'portRange', protocol, first, last }));
          }
          case 'named':
            // The destination's port: the pod itself for ingress, each admitted pod for egress.
            return direction === 'ingress'
              ? namedPorts(target, port.name).flatMap((resolved) =>
                  peer.matches.map((match) => clause(match, resolved)),
                )
              : peer.pods.flatMap((destination) =>
                  namedPorts(destination, port.name).map((resolved) =>
                    clause({ kind: 'addresses', addresses: [destination.ip] }, resolved),
                  ),
                );
        }
      });
    });
}

function namedPorts(pod: EnforcedPod, name: string): PortMatch[] {
  return pod.ports
    .filter((port) => port.name === name)
    .map((port) => ({ kind: 'portRange', protocol: port.protocol, first: port.port, last: port.port }));
}

const NOTHING: ResolvedTierPeer = { matches: [], pods: [] };

function resolveTierPeer(peer: TierPeer, context: TierContext): ResolvedTierPeer {
  switch (peer.kind) {
    case 'nothing':
      return NOTHING;
    case 'pods': {
      const pods = context.networkPods.filter((pod) => selectsPod(peer.selection, pod, context));
      return pods.length === 0
        ? NOTHING
        : { matches: [{ kind: 'addresses', addresses: pods.map((pod) => pod.ip) }], pods };
    }
    case 'nodes': {
      const addresses = context.nodes
        .filter((node) => selectorMatches(peer.nodes, node.labels ?? {}))
        .map((node) => node.address);
      return addresses.length === 0 ? NOTHING : { matches: [{ kind: 'addresses', addresses }], pods: [] };
    }
    case 'networks': {
      const blocks = peer.cidrs
        .map((cidr) => parseBlock(cidr, { allowHostBits: true }))
        .filter((block) => block !== undefined);
      const inside = (address: Address | undefined) =>
        address !== undefined && blocks.some((block) => blockContains(block, address));
      return {
        matches: blocks.map((block) => ({ kind: 'block', cidr: formatBlock(block), except: [] })),
        pods: context.networkPods.filter((pod) => inside(parseAddress(pod.ip))),
      };
    }
  }
}
