/**
 * Policy parts as suite endpoints: the pods a policy selects, the pods a peer admits,
 * and the namespaces a peer does not admit. Selectors are written with their
 * matchLabels in key order, so a suite written out and read back plans the same pods.
 */
import type { Namespace } from '../policy/index.js';
import type { LabelSelector, NamespaceMatcher, NetworkPolicy, Peer, PodMatcher } from '../policy/index.js';
import { isEmptySelector, labelsSatisfying, matchesSelector } from '../policy/index.js';
import { assertNever } from '../shared/index.js';
import type { EndpointSpec, NamespaceSpec, PodSpec } from '../suite/index.js';
import type { ClusterView } from './cluster-view.js';
import { nearMisses } from './invert-selector.js';
import type { FeatureTag } from './tags.js';

export type PodPeer = Extract<Peer, { kind: 'pods' }>;

/** The pods the policy applies to. */
export function targetEndpoint(policy: NetworkPolicy): EndpointSpec {
  return podsEndpoint({ kind: 'name', name: policy.target.namespace }, podSpecOf(policy.target.podSelector));
}

/** Pods the peer admits: its namespaces (by name for the policy's own) and its pod selector. */
export function peerEndpoint(peer: PodPeer): EndpointSpec {
  return podsEndpoint(namespaceSpecOf(peer.namespaces), podMatcherSpec(peer.pods));
}

/** One outside address (or pod or node address, which then stands for its pod or node). */
export function addressEndpoint(ip: string): EndpointSpec {
  return { kind: 'address', address: ip, prefix: ip.includes(':') ? 128 : 32 };
}

export function podsEndpoint(namespace: NamespaceSpec, pods: PodSpec): EndpointSpec {
  return { kind: 'pods', namespace, pods };
}

export function podSpecOf(selector: LabelSelector): PodSpec {
  return isEmptySelector(selector)
    ? { kind: 'all' }
    : { kind: 'selector', selector: sortedSelector(selector) };
}

/** The same selector with matchLabels in key order. */
export function sortedSelector(selector: LabelSelector): LabelSelector {
  const keys = Object.keys(selector.matchLabels).sort();
  return {
    matchLabels: Object.fromEntries(keys.map((key) => [key, selector.matchLabels[key] ?? ''])),
    matchExpressions: selector.matchExpressions,
  };
}

function namespaceSpecOf(matcher: NamespaceMatcher): NamespaceSpec {
  switch (matcher.kind) {
    case 'own':
      return { kind: 'name', name: matcher.namespace };
    case 'all':
      return { kind: 'all' };
    case 'labelled':
      return isEmptySelector(matcher.selector)
        ? { kind: 'all' }
        : { kind: 'selector', selector: sortedSelector(matcher.selector) };
    default:
      return assertNever(matcher);
  }
}

function podMatcherSpec(matcher: PodMatcher): PodSpec {
  return matcher.kind === 'all' ? { kind: 'all' } : podSpecOf(matcher.selector);
}

/** The tags that say what kind of pod peer it is (cyclonus' peer cases). */
export function peerTags(peer: PodPeer): FeatureTag[] {
  const labelledPods = peer.pods.kind === 'labelled' && !isEmptySelector(peer.pods.selector);
  switch (peer.namespaces.kind) {
    case 'own':
      return ['pod-selector'];
    case 'all':
      return labelledPods ? ['all-namespaces', 'pod-selector'] : ['all-namespaces'];
    case 'labelled':
      return labelledPods ? ['combined-peer'] : ['namespace-selector'];
    default:
      return assertNever(peer.namespaces);
  }
}

/** Pod selectors that just miss the peer's; none when it admits every pod. */
export function podSpecsMissing(peer: PodPeer): PodSpec[] {
  if (peer.pods.kind === 'all' || isEmptySelector(peer.pods.selector)) return [];
  return nearMisses(peer.pods.selector).map(podSpecOf);
}

/**
 * A namespace the peer does not admit. An existing one is preferred, in this order: one
 * that holds pods of the wanted kind (no probe pod needed), one other than the policy's
 * own (which other rules often admit), one that is not a `kube-` system namespace.
 * Otherwise a namespace to create: another name than the policy's own, or one that just
 * misses the selector. None when the peer admits every namespace.
 */
export function namespaceMissing(
  peer: PodPeer,
  policyNamespace: string,
  view: ClusterView,
): NamespaceSpec | undefined {
  const pods = podMatcherSpec(peer.pods);
  const holdsPods = (ns: Namespace): boolean =>
    view.podsMatching(podsEndpoint({ kind: 'name', name: ns.name }, pods), 0).length > 0;
  const rank = (ns: Namespace): number =>
    (holdsPods(ns) ? 0 : 4) + (ns.name === policyNamespace ? 2 : 0) + (ns.name.startsWith('kube-') ? 1 : 0);
  let best: Namespace | undefined;
  let bestRank = Infinity;
  for (const ns of view.namespaces) {
    if (namespaceAdmits(peer.namespaces, ns)) continue;
    const r = rank(ns);
    if (r < bestRank) [best, bestRank] = [ns, r];
    if (r === 0) break;
  }
  if (best !== undefined) return { kind: 'name', name: best.name };
  switch (peer.namespaces.kind) {
    case 'own':
      return { kind: 'name', name: OTHER_NAMESPACE };
    case 'all':
      return undefined;
    case 'labelled': {
      const miss = nearMisses(peer.namespaces.selector)[0];
      return miss === undefined ? undefined : { kind: 'selector', selector: sortedSelector(miss) };
    }
    default:
      return assertNever(peer.namespaces);
  }
}

/** The namespace a probe pod goes to when no other exists; short-lived, like every probe object. */
export const OTHER_NAMESPACE = 'npa-other';

function namespaceAdmits(matcher: NamespaceMatcher, ns: Namespace): boolean {
  switch (matcher.kind) {
    case 'own':
      return ns.name === matcher.namespace;
    case 'all':
      return true;
    case 'labelled':
      return matchesSelector(matcher.selector, ns.labels);
    default:
      return assertNever(matcher);
  }
}

/** Whether some label set satisfies the pod side: a peer no pod can match yields no positive case. */
export function podSpecSatisfiable(spec: PodSpec): boolean {
  return spec.kind === 'all' || labelsSatisfying(spec.selector) !== undefined;
}
