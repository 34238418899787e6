/**
 * Cases from the rules of cluster policies (ClusterNetworkPolicy, AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy): for each rule, a case from (or to) a peer it matches, and
 * near misses: pods that just miss a `pods`/`namespaces` peer, an address outside a
 * `networks` peer, a node a `nodes` peer does not select, a port the rule does not list.
 * What each case expects is the model's answer through the tiers (settle-generated.ts),
 * so a matching Deny may still be allowed when a higher Accept comes first.
 */
import type { ClusterIngressPeer, ClusterPolicy, ClusterState, Direction } from '../policy/index.js';
import { compareClusterPolicies, matchesSelector } from '../policy/index.js';
import { formatNamespace, formatPods } from '../suite/index.js';
import type { EndpointSpec, NamespaceSpec, PodSpec } from '../suite/index.js';
import type { ClusterRuleContext } from './cluster-rule-context.js';
import { fitOtherSide, orient, portTarget } from './case-context.js';
import {
  clusterPeerPlace,
  clusterRuleContext,
  clusterRulePlace,
  makeClusterCase,
  portMatcherOf,
  subjectPeer,
} from './cluster-rule-context.js';
import type { ClusterView } from './cluster-view.js';
import type { GeneratedCase, GenerateOptions } from './generated-case.js';
import {
  addressEndpoint,
  namespaceMissing,
  peerEndpoint,
  peerTags,
  podsEndpoint,
  podSpecSatisfiable,
  podSpecsMissing,
} from './peer-endpoint.js';
import { addressInside, addressOutside, cidrOf, contains } from './pick-address.js';
import { firstAdmittedPort, portsBesideRange, unlistedPort } from './port-choice.js';
import type { FeatureTag } from './tags.js';

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

/** Every rule of every cluster policy: the Admin tier first, each tier in evaluation order. */
export function clusterPolicyCases(
  state: ClusterState,
  view: ClusterView,
  options: Required<GenerateOptions>,
): GeneratedCase[] {
  const cases: GeneratedCase[] = [];
  for (const policy of orderedClusterPolicies(state)) {
    for (const direction of DIRECTIONS) {
      for (const rule of policy[direction]) {
        const context = clusterRuleContext(policy, direction, rule, view, options);
        cases.push(...peerCases(context), ...portCases(context));
      }
    }
  }
  return cases;
}

export function orderedClusterPolicies(state: ClusterState): ClusterPolicy[] {
  const tierOrder = (p: ClusterPolicy): number => (p.tier === 'Admin' ? 0 : 1);
  return [...(state.clusterPolicies ?? [])].sort(
    (a, b) => tierOrder(a) - tierOrder(b) || compareClusterPolicies(a, b),
  );
}

function peerCases(context: ClusterRuleContext): GeneratedCase[] {
  return context.rule.peers.flatMap((peer, index): GeneratedCase[] => {
    switch (peer.kind) {
      case 'pods':
      case 'namespaces':
        return podPeerCases(context, peer, index);
      case 'networks':
        return networksCases(context, peer.cidrs, index);
      case 'nodes':
        return nodesCases(context, (labels) => matchesSelector(peer.nodes, labels), index);
      case 'domainNames':
        // Not resolvable offline: the model matches nothing (and warns), so no case.
        return [];
    }
  });
}

function podPeerCases(
  context: ClusterRuleContext,
  clusterPeer: ClusterIngressPeer,
  index: number,
): GeneratedCase[] {
  const peer = subjectPeer(clusterPeer);
  const place = clusterPeerPlace(context, index);
  const kind = peerTags(peer);
  const admitted = peerEndpoint(peer);
  if (admitted.kind !== 'pods') return [];
  const cases: GeneratedCase[] = [];
  const add = (what: string, namespace: NamespaceSpec, pods: PodSpec, tags: readonly FeatureTag[]): void => {
    if (context.view.namespaceClashes(namespace)) return;
    const sides = orient(context, fitOtherSide(context, podsEndpoint(namespace, pods)));
    const target = portTarget(context, sides.to);
    const port = firstAdmittedPort(portMatcherOf(context.rule.ports, target), target);
    if (port !== undefined)
      cases.push(makeClusterCase(context, `${place} ${what}`, sides, port, [...kind, ...tags]));
  };
  if (podSpecSatisfiable(admitted.pods)) add('positive', admitted.namespace, admitted.pods, ['positive']);
  const missingPods = podSpecsMissing(peer);
  for (const pods of missingPods)
    add(`near miss: pod labels ${formatPods(pods)}`, admitted.namespace, pods, [
      'negative',
      'other-pod-labels',
    ]);
  const subjectNamespace = context.targetPods[0]?.namespace ?? '';
  const otherNamespace = namespaceMissing(peer, subjectNamespace, context.view);
  if (otherNamespace !== undefined) {
    const where = formatNamespace(otherNamespace);
    add(`near miss: namespace ${where}`, otherNamespace, admitted.pods, ['negative', 'other-namespace']);
  }
  return cases;
}

/** `networks`: an address inside each CIDR, and one outside them all. */
function networksCases(
  context: ClusterRuleContext,
  cidrs: readonly string[],
  index: number,
): GeneratedCase[] {
  const blocks = cidrs.map(cidrOf).filter((block) => block !== undefined);
  const place = clusterPeerPlace(context, index);
  const cases: GeneratedCase[] = [];
  const add = (ip: string | undefined, what: (ip: string) => string, tags: readonly FeatureTag[]): void => {
    if (ip === undefined) return;
    const sides = orient(context, addressEndpoint(ip));
    const target = portTarget(context, sides.to);
    const port = firstAdmittedPort(portMatcherOf(context.rule.ports, target), target);
    if (port !== undefined)
      cases.push(makeClusterCase(context, `${place} ${what(ip)}`, sides, port, ['networks', ...tags]));
  };
  blocks.forEach((block, i) => {
    add(addressInside(block, [], context.view), (ip) => `positive: ${ip} in ${cidrs[i] ?? ''}`, ['positive']);
  });
  const outside = blocks
    .map((block) => addressOutside(block, context.view))
    .find((ip) => ip !== undefined && !blocks.some((block) => contains(block, ip)));
  add(outside, (ip) => `near miss: ${ip} outside every network`, ['negative']);
  return cases;
}

/** `nodes`: the first node (by name) the selector picks, and the first it does not. */
function nodesCases(
  context: ClusterRuleContext,
  selects: (labels: Readonly<Record<string, string>>) => boolean,
  index: number,
): GeneratedCase[] {
  const nodes = [...context.view.state.nodes].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const place = clusterPeerPlace(context, index);
  const cases: GeneratedCase[] = [];
  const add = (name: string | undefined, what: string, tags: readonly FeatureTag[]): void => {
    if (name === undefined) return;
    const sides = orient(context, { kind: 'node', name });
    const target = portTarget(context, sides.to);
    const port = firstAdmittedPort(portMatcherOf(context.rule.ports, target), target);
    if (port !== undefined)
      cases.push(makeClusterCase(context, `${place} ${what} node ${name}`, sides, port, ['nodes', ...tags]));
  };
  add(nodes.find((node) => selects(node.labels))?.name, 'positive:', ['positive']);
  add(nodes.find((node) => !selects(node.labels))?.name, 'near miss:', ['negative']);
  return cases;
}

/**
 * Ports the rule does not match, on its first peer's positive side: beside a range, and
 * a port no entry lists.
 */
function portCases(context: ClusterRuleContext): GeneratedCase[] {
  if (context.rule.ports.kind === 'anyPort') return [];
  const other = firstPeerEndpoint(context);
  if (other === undefined) return [];
  const sides = orient(context, other);
  const target = portTarget(context, sides.to);
  const matcher = portMatcherOf(context.rule.ports, target);
  if (matcher.kind === 'anyPort') return [];
  const place = clusterRulePlace(context);
  const misses = [...matcher.ports.flatMap(portsBesideRange), unlistedPort(matcher, target)];
  return misses
    .filter((port) => port !== undefined)
    .map((port) =>
      makeClusterCase(context, `${place} near miss: port ${port.label}`, sides, port, ['negative']),
    );
}

/** The other side of the rule's first peer that matches something, as its positive case has it. */
function firstPeerEndpoint(context: ClusterRuleContext): EndpointSpec | undefined {
  for (const peer of context.rule.peers) {
    if (peer.kind === 'pods' || peer.kind === 'namespaces') {
      const admitted = peerEndpoint(subjectPeer(peer));
      if (admitted.kind !== 'pods' || !podSpecSatisfiable(admitted.pods)) continue;
      if (context.view.namespaceClashes(admitted.namespace)) continue;
      return fitOtherSide(context, admitted);
    }
    if (peer.kind === 'networks') {
      const block = peer.cidrs.map(cidrOf).find((b) => b !== undefined);
      const ip = block === undefined ? undefined : addressInside(block, [], context.view);
      if (ip !== undefined) return addressEndpoint(ip);
    }
  }
  return undefined;
}
