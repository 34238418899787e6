/**
 * The features a generated case exercises, so a suite can be read (and a failure
 * triaged) by feature: cyclonus `pkg/generator/tags.go`. A case carries every tag that
 * applies: its direction, its polarity, the kind of peer and the kind of port; a case from
 * a cluster policy also its tier and action (the policy and rule are in its name).
 */
export const FEATURE_TAGS = [
  // Direction: whose policies the case is about.
  'ingress',
  'egress',
  // Cluster policies (policy.networking.k8s.io): the rule's tier and action.
  'cluster-policy',
  'admin-tier',
  'baseline-tier',
  'action-accept',
  'action-deny',
  'action-pass',
  // Where the tiers meet: a case the NetworkPolicy tier alone would answer otherwise.
  'admin-overrides-networkpolicy',
  'pass-to-networkpolicy',
  'networkpolicy-overrides-baseline',
  // Polarity: built from a peer the rule admits, or from one it does not (an inverted peer).
  'positive',
  'negative',
  // How a negative case misses the peer.
  'other-namespace',
  'other-pod-labels',
  // Peers.
  'pod-selector',
  'namespace-selector',
  'combined-peer',
  'all-namespaces',
  'ip-block',
  'except',
  'any-peer',
  'deny-all',
  'networks',
  'nodes',
  // Ports.
  'any-port',
  'numbered-port',
  'named-port',
  'port-range',
  'udp',
  'sctp',
] as const;

export type FeatureTag = (typeof FEATURE_TAGS)[number];

/** Tags in the order FEATURE_TAGS lists them, each once. */
export function orderedTags(tags: Iterable<FeatureTag>): FeatureTag[] {
  const present = new Set(tags);
  return FEATURE_TAGS.filter((tag) => present.has(tag));
}
