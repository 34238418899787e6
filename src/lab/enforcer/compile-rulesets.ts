/**
 * NetworkPolicies to per-node rulesets, the way a network plugin programs each node:
 * for every pod on the node that some policy isolates, the traffic each direction lets
 * through. The decision follows the spec:
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 *
 * - A pod is isolated for a direction when a policy selecting it has that policyType;
 *   then only traffic some rule of those policies allows passes (rules are ORed).
 * - A rule allows traffic matching one of its peers and one of its ports; absent or
 *   empty `from`/`to`/`ports` match everything.
 * - Traffic from the pod's own node is always allowed.
 * - Replies to allowed connections pass: that is the renderer's conntrack rule.
 *
 * Cluster policies (cluster-tiers.ts) add an Admin tier before this NetworkPolicy stage
 * and a Baseline tier after it, for pods no NetworkPolicy isolates.
 *
 * The CNI mode's gaps are applied here, each at the one place it acts.
 */
import type { Labels, NetworkPolicyManifest } from '../../policy/index.js';
import type { CniMode } from './cni-mode.js';
import type { OrderedTiers } from './cluster-tiers.js';
import { clusterClauses, orderTiers } from './cluster-tiers.js';
import type { EnforcedNode, EnforcedPod, EnforcementInput } from './enforcement-input.js';
import type { Direction } from './isolation.js';
import { isolates, policyNamespace, selects } from './isolation.js';
import type { Allow, NodeRuleset, PodChains } from './node-ruleset.js';
import type { PeerContext, ResolvedPeer } from './resolve-peer.js';
import { anyPeer, resolvePeer } from './resolve-peer.js';
import type { ResolvedPort } from './resolve-port.js';
import { namedPortOn, resolvePort } from './resolve-port.js';
import { assertNever } from '../../shared/index.js';

/**
 * Set by the API server (1.21+) on every namespace; the lab's control plane adds it on
 * older servers. The enforcer's own copy, not src/shared's, on purpose: the enforcer is
 * independent of src/policy and src/shared so that each checks the other (the
 * differential test compares the nftables it programs with the model's verdicts).
 */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function compileRulesets(input: EnforcementInput, mode: CniMode): NodeRuleset[] {
  const networkPods = input.pods.filter((pod) => !pod.hostNetwork);
  const namespaceLabels = namespaceLabelLookup(input);
  const tiers = orderTiers(mode.kind === 'no-cluster-policies' ? [] : (input.clusterPolicies ?? []));
  const context: CompileContext = { networkPods, namespaceLabels, mode, nodes: input.nodes, tiers };
  return input.nodes.map((node) => ({
    node: node.name,
    pods:
      mode.kind === 'none'
        ? []
        : networkPods
            .filter((pod) => pod.nodeName === node.name && pod.hostLink !== undefined)
            .map((pod) => podChains(pod, node, input.policies, context)),
  }));
}

function namespaceLabelLookup(input: EnforcementInput): (namespace: string) => Labels {
  const byName = new Map(input.namespaces.map((namespace) => [namespace.name, namespace.labels]));
  return (namespace) => ({ ...(byName.get(namespace) ?? {}), [NAMESPACE_NAME_LABEL]: namespace });
}

interface CompileContext {
  readonly networkPods: readonly EnforcedPod[];
  readonly namespaceLabels: (namespace: string) => Labels;
  readonly mode: CniMode;
  readonly nodes: readonly EnforcedNode[];
  readonly tiers: OrderedTiers;
}

function podChains(
  pod: EnforcedPod,
  node: EnforcedNode,
  policies: readonly NetworkPolicyManifest[],
  context: CompileContext,
): PodChains {
  const selecting = policies.filter((policy) => selects(policy, pod));
  const isolating = (direction: Direction) => selecting.filter((policy) => isolates(policy, direction));
  const ingressPolicies = isolating('ingress');
  const egressPolicies = context.mode.kind === 'ingress-only' ? [] : isolating('egress');
  const allowsOf = (direction: Direction, list: readonly NetworkPolicyManifest[]) =>
    list.flatMap((policy) => policyAllows(policy, direction, pod, context));
  const tierContext = { ...context, passAsAccept: context.mode.kind === 'no-pass' };
  const clusterIngress = clusterClauses(pod, 'ingress', context.tiers, tierContext);
  const clusterEgress = clusterClauses(pod, 'egress', context.tiers, tierContext);
  return {
    pod: `${pod.namespace}/${pod.name}`,
    hostLink: pod.hostLink ?? '',
    ...(ingressPolicies.length === 0
      ? {}
      : { ingress: [nodeLocal(node), ...allowsOf('ingress', ingressPolicies)] }),
    ...(egressPolicies.length === 0 ? {} : { egress: allowsOf('egress', egressPolicies) }),
    ...(clusterIngress === undefined ? {} : { clusterIngress }),
    ...(clusterEgress === undefined ? {} : { clusterEgress }),
  };
}

function nodeLocal(node: EnforcedNode): Allow {
  return {
    peer: { kind: 'addresses', addresses: [node.address] },
    port: { kind: 'anyPort' },
    origin: `node ${node.name} is always allowed`,
  };
}

function policyAllows(
  policy: NetworkPolicyManifest,
  direction: Direction,
  target: EnforcedPod,
  context: CompileContext,
): Allow[] {
  const rules =
    direction === 'ingress'
      ? (policy.spec.ingress ?? []).map((rule) => ({ peerList: rule.from ?? [], portList: rule.ports ?? [] }))
      : (policy.spec.egress ?? []).map((rule) => ({ peerList: rule.to ?? [], portList: rule.ports ?? [] }));
  const peerContext: PeerContext = { ...context, policyNamespace: policyNamespace(policy) };
  return rules.flatMap(({ peerList, portList }, index) => {
    const peers =
      peerList.length === 0 ? [anyPeer(peerContext)] : peerList.map((p) => resolvePeer(p, peerContext));
    const ports: ResolvedPort[] =
      portList.length === 0 ? [{ kind: 'match', match: { kind: 'anyPort' } }] : portList.map(resolvePort);
    const origin = `${policyNamespace(policy)}/${policy.metadata.name} ${direction}[${index}]`;
    return peers.flatMap((peer) => ports.flatMap((port) => combine(peer, port, direction, target, origin)));
  });
}

function combine(
  peer: ResolvedPeer,
  port: ResolvedPort,
  direction: Direction,
  target: EnforcedPod,
  origin: string,
): Allow[] {
  const match = peer.match;
  if (match === undefined) return [];
  switch (port.kind) {
    case 'nothing':
      return [];
    case 'match':
      return [{ peer: match, port: port.match, origin }];
    case 'named':
      // Named ports resolve on the destination: the pod itself for ingress, each peer pod for egress.
      if (direction === 'ingress') {
        return namedPortOn(target.ports, port.name, port.protocol).map((resolved) => ({
          peer: match,
          port: resolved,
          origin,
        }));
      }
      return peer.pods.flatMap((destination) =>
        namedPortOn(destination.ports, port.name, port.protocol).map((resolved) => ({
          peer: { kind: 'addresses', addresses: [destination.ip] } as const,
          port: resolved,
          origin,
        })),
      );
    default:
      return assertNever(port);
  }
}
