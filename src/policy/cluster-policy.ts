/**
 * Cluster-wide network policies of the policy.networking.k8s.io API group as a model:
 * `v1alpha2` ClusterNetworkPolicy (spec.tier Admin or Baseline) and the older `v1alpha1`
 * AdminNetworkPolicy (ANP) and BaselineAdminNetworkPolicy (BANP). Both versions build
 * into the one `ClusterPolicy` below; v1alpha1's action `Allow` is v1alpha2's `Accept`.
 *
 * The decision implemented (`decide-tiers.ts`), per direction: egress is decided by the
 * policies whose subject selects the source pod, ingress by those selecting the
 * destination pod, and traffic flows only when both directions allow it.
 *
 * 1. Only pods on the pod network are subjects. Host-network pods, nodes and outside
 *    addresses are never selected ("host-networked pods are not included in subject
 *    selection", ClusterNetworkPolicySubject / AdminNetworkPolicySubject): that side allows.
 * 2. Admin tier: ClusterNetworkPolicy with spec.tier Admin and every AdminNetworkPolicy
 *    whose spec.subject selects the pod, lowest spec.priority (0..1000) first. Within a
 *    policy, the rules of that direction (spec.ingress / spec.egress) in the order written.
 *    The first rule whose peers (`from` / `to`) and ports (v1alpha1 `ports`, v1alpha2
 *    `protocols`) match decides: Accept (Allow) allows and Deny denies, both final; Pass
 *    skips the rest of the tier. A policy without rules of a direction does not affect it.
 *    Ties: the spec leaves the order of equal priorities to the implementation; the model
 *    orders them by metadata.name, then ClusterNetworkPolicy before AdminNetworkPolicy,
 *    as kube-network-policies sorts by priority then name.
 * 3. NetworkPolicy tier (networking.k8s.io/v1, `decide.ts`): reached when the Admin tier
 *    passed or matched nothing. When a NetworkPolicy isolates the pod in this direction it
 *    decides, finally (its own-node exemption included); otherwise the next tier decides.
 * 4. Baseline tier: ClusterNetworkPolicy with spec.tier Baseline (lowest priority first,
 *    then by name), then the BaselineAdminNetworkPolicy (a singleton named `default`,
 *    without priority). Reached only when no NetworkPolicy isolates the pod in this
 *    direction. First matching rule: Accept/Allow or Deny decides; v1alpha2 Pass ends the
 *    tier (the BANP has no Pass).
 * 5. Nothing decided: allowed, Kubernetes' default.
 *
 * Peers: `namespaces` (every pod of the selected namespaces) and `pods` (namespaceSelector
 * AND podSelector) match pods on the pod network only. Egress only: `networks` (CIDRs)
 * match the destination address whatever it is, pods' and nodes' addresses included
 * (ClusterNetworkPolicyEgressPeer.Networks: "cluster-internal traffic will be checked
 * against the rule as well"); `nodes` match a node's addresses (and host-network pods,
 * which use them) by the node's labels; `domainNames` cannot be resolved offline and
 * match nothing (the state carries a warning). Ports: a number or a range of one
 * protocol, or a named port, which is the destination pod's container port of that name
 * with the traffic's protocol. No ports (v1alpha1 `ports` / v1alpha2 `protocols` unset):
 * every port of every protocol.
 */
import type { Protocol } from './cluster.js';
import type { NamespaceMatcher, PodMatcher } from './policy.js';
import type { LabelSelector } from './selector.js';

/** The three kinds, each named by its API group's kind. */
export type ClusterPolicyKind = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';

/** The tiers a cluster policy lives in; NetworkPolicy is the tier between them. */
export type ClusterTier = 'Admin' | 'Baseline';
export type Tier = 'Admin' | 'NetworkPolicy' | 'Baseline';

/** v1alpha1 `Allow` is built as `Accept`; `Pass` never appears in a BANP. */
export type ClusterAction = 'Accept' | 'Deny' | 'Pass';

/** Cluster-scoped: a kind and a name identify a policy. */
export interface ClusterPolicyRef {
  readonly kind: ClusterPolicyKind;
  readonly name: string;
}

/** A namespace selector of a cluster policy: `{}` selects every namespace. */
export type NamespaceSelection = Exclude<NamespaceMatcher, { readonly kind: 'own' }>;

/** spec.subject: exactly one of `namespaces` or `pods`. */
export type ClusterSubject =
  | { readonly kind: 'namespaces'; readonly namespaces: NamespaceSelection }
  | { readonly kind: 'pods'; readonly namespaces: NamespaceSelection; readonly pods: PodMatcher };

/** Ingress peers: pods on the pod network, by namespace or by namespace and pod. */
export type ClusterIngressPeer =
  | { readonly kind: 'namespaces'; readonly namespaces: NamespaceSelection }
  | { readonly kind: 'pods'; readonly namespaces: NamespaceSelection; readonly pods: PodMatcher };

/** Egress peers add addresses: CIDRs, nodes by label, and domain names. */
export type ClusterEgressPeer =
  | ClusterIngressPeer
  | { readonly kind: 'networks'; readonly cidrs: readonly string[] }
  | { readonly kind: 'nodes'; readonly nodes: LabelSelector }
  | { readonly kind: 'domainNames'; readonly names: readonly string[] };

export type ClusterPeer = ClusterEgressPeer;

export type ClusterPort =
  /** v1alpha1 portNumber, v1alpha2 tcp/udp/sctp.destinationPort.number. */
  | { readonly kind: 'number'; readonly protocol: Protocol; readonly port: number }
  /** v1alpha1 portRange, v1alpha2 destinationPort.range: start and end included. */
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly start: number; readonly end: number }
  /** v1alpha1 namedPort, v1alpha2 destinationNamedPort: resolved on the destination pod. */
  | { readonly kind: 'named'; readonly name: string };

export type ClusterPortMatcher =
  { readonly kind: 'anyPort' } | { readonly kind: 'ports'; readonly ports: readonly ClusterPort[] };

export interface ClusterRule<P extends ClusterPeer = ClusterPeer> {
  /** Position in spec.ingress or spec.egress. */
  readonly index: number;
  /** The rule's optional `name`. */
  readonly name: string | undefined;
  readonly action: ClusterAction;
  /** `from` (ingress) or `to` (egress): at least one peer; any of them matches. */
  readonly peers: readonly P[];
  readonly ports: ClusterPortMatcher;
}

export interface ClusterPolicy {
  readonly ref: ClusterPolicyRef;
  readonly apiVersion: string;
  readonly tier: ClusterTier;
  /** 0..1000, lower first; undefined for the BANP, which has none. */
  readonly priority: number | undefined;
  readonly subject: ClusterSubject;
  readonly ingress: readonly ClusterRule<ClusterIngressPeer>[];
  readonly egress: readonly ClusterRule<ClusterEgressPeer>[];
}

/** `AdminNetworkPolicy/deny-db`, the form reasons use. */
export function clusterPolicyText(ref: ClusterPolicyRef): string {
  return `${ref.kind}/${ref.name}`;
}

/**
 * Evaluation order inside a tier: priority (a BANP, without one, last), then name, then
 * ClusterNetworkPolicy before the v1alpha1 kinds.
 */
export function compareClusterPolicies(a: ClusterPolicy, b: ClusterPolicy): number {
  const pa = a.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.priority ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.ref.name !== b.ref.name) return a.ref.name < b.ref.name ? -1 : 1;
  return KIND_ORDER[a.ref.kind] - KIND_ORDER[b.ref.kind];
}

const KIND_ORDER: Readonly<Record<ClusterPolicyKind, number>> = {
  ClusterNetworkPolicy: 0,
  AdminNetworkPolicy: 1,
  BaselineAdminNetworkPolicy: 2,
};
