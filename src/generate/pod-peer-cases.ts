/**
 * Pod peers (podSelector, namespaceSelector, both): a positive case from pods the peer
 * admits, and negative cases from inverted peers: the same pods in a namespace the peer
 * does not admit, pods that just miss its pod selector in a namespace it does, and both.
 * cyclonus `pkg/generator/peerscases.go`, turned from policies to probe.
 */
import { formatNamespace, formatPods } from '../suite/index.js';
import type { NamespaceSpec, PodSpec } from '../suite/index.js';
import type { RuleContext } from './case-context.js';
import { fitOtherSide, makeCase, orient, peerPlace, portTarget } from './case-context.js';
import type { GeneratedCase } from './generated-case.js';
import type { PodPeer } from './peer-endpoint.js';
import {
  namespaceMissing,
  peerEndpoint,
  peerTags,
  podsEndpoint,
  podSpecSatisfiable,
  podSpecsMissing,
} from './peer-endpoint.js';
import { firstAdmittedPort } from './port-choice.js';
import type { FeatureTag } from './tags.js';

export function podPeerCases(context: RuleContext): GeneratedCase[] {
  if (context.rule.peers.kind !== 'peers') return [];
  return context.rule.peers.peers.flatMap((peer, index) =>
    peer.kind === 'pods' ? casesForPeer(context, peer, index) : [],
  );
}

function casesForPeer(context: RuleContext, peer: PodPeer, index: number): GeneratedCase[] {
  const place = peerPlace(context, index);
  const kind = peerTags(peer);
  const admitted = peerEndpoint(peer);
  if (admitted.kind !== 'pods') return [];
  const cases: GeneratedCase[] = [];
  const add = (what: string, namespace: NamespaceSpec, pods: PodSpec, tags: readonly FeatureTag[]): void => {
    if (context.view.namespaceClashes(namespace)) return;
    const sides = orient(context, fitOtherSide(context, podsEndpoint(namespace, pods)));
    const port = firstAdmittedPort(context.rule.ports, portTarget(context, sides.to));
    if (port !== undefined)
      cases.push(makeCase(context, `${place} ${what}`, sides, port, [...kind, ...tags]));
  };
  if (podSpecSatisfiable(admitted.pods)) add('positive', admitted.namespace, admitted.pods, ['positive']);
  const missingPods = podSpecsMissing(peer);
  for (const pods of missingPods) {
    add(`negative: pod labels ${formatPods(pods)}`, admitted.namespace, pods, [
      'negative',
      'other-pod-labels',
    ]);
  }
  const otherNamespace = namespaceMissing(peer, context.policy.ref.namespace, context.view);
  if (otherNamespace !== undefined) {
    const where = formatNamespace(otherNamespace);
    add(`negative: namespace ${where}`, otherNamespace, admitted.pods, ['negative', 'other-namespace']);
    const firstMiss = missingPods[0];
    if (firstMiss !== undefined) {
      add(`negative: namespace ${where}, pod labels ${formatPods(firstMiss)}`, otherNamespace, firstMiss, [
        'negative',
        'other-namespace',
        'other-pod-labels',
      ]);
    }
  }
  return cases;
}
