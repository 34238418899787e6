/**
 * One side of traffic as the decision sees it. Every endpoint has the same shape (one
 * factory each, same field order) so the hot path stays monomorphic.
 */
import type { IpAddress, IpFamily } from '../shared/index.js';
import type { Labels, Pod } from './cluster.js';
import type { CompiledPolicy } from './compile.js';
import type { CompiledClusterPolicy } from './compile-cluster.js';

/**
 * `pod`: a pod on the pod network, the only kind a policy selects or a pod selector matches.
 * `hostNetwork`: a pod sharing its node's network: never selected, counts as its node.
 * `node`: a node's address. `outside`: any other address.
 */
export type EndpointKind = 'pod' | 'hostNetwork' | 'node' | 'outside';

export interface Endpoint {
  readonly kind: EndpointKind;
  /** Column in the peer-match cache; -1 when not cached. */
  readonly slot: number;
  readonly pod: Pod | undefined;
  /** The pod's namespace's labels (with `kubernetes.io/metadata.name`); empty for addresses. */
  readonly namespaceLabels: Labels;
  readonly nodeName: string | undefined;
  /** The IPv4 address as an unsigned word, or -1. */
  readonly ip4: number;
  readonly ip6: readonly number[] | undefined;
  /** Policies that select this pod and isolate that direction (empty unless kind is `pod`). */
  readonly ingressPolicies: readonly CompiledPolicy[];
  readonly egressPolicies: readonly CompiledPolicy[];
  /** Cluster policies whose subject selects this pod, per tier and direction, in evaluation order. */
  readonly adminIngress: readonly CompiledClusterPolicy[];
  readonly adminEgress: readonly CompiledClusterPolicy[];
  readonly baselineIngress: readonly CompiledClusterPolicy[];
  readonly baselineEgress: readonly CompiledClusterPolicy[];
  /** The labels of the node this address belongs to (`node`, `hostNetwork`), for `nodes` peers. */
  readonly nodeLabels: Labels | undefined;
}

/** An endpoint as a query reached it; precomputed so resolving allocates nothing. */
export interface ResolvedEndpoint {
  readonly endpoint: Endpoint;
  /** The family of the address the query named, or the pod's primary family; 0 when none. */
  readonly family: IpFamily | 0;
  readonly byAddress: boolean;
}

export interface PodPolicies {
  readonly ingress: readonly CompiledPolicy[];
  readonly egress: readonly CompiledPolicy[];
  readonly adminIngress: readonly CompiledClusterPolicy[];
  readonly adminEgress: readonly CompiledClusterPolicy[];
  readonly baselineIngress: readonly CompiledClusterPolicy[];
  readonly baselineEgress: readonly CompiledClusterPolicy[];
}

const NO_POLICIES: readonly CompiledPolicy[] = [];
const NO_CLUSTER_POLICIES: readonly CompiledClusterPolicy[] = [];

export function podEndpoint(
  pod: Pod,
  slot: number,
  namespaceLabels: Labels,
  addresses: readonly IpAddress[],
  policies: PodPolicies,
  nodeLabels?: Labels,
): Endpoint {
  return makeEndpoint(
    pod.hostNetwork ? 'hostNetwork' : 'pod',
    slot,
    pod,
    namespaceLabels,
    pod.nodeName,
    addresses,
    pod.hostNetwork ? EMPTY_POLICIES : policies,
    pod.hostNetwork ? (nodeLabels ?? {}) : undefined,
  );
}

export function addressEndpoint(
  kind: 'node' | 'outside',
  address: IpAddress | undefined,
  nodeName?: string,
  nodeLabels?: Labels,
): Endpoint {
  return makeEndpoint(
    kind,
    -1,
    undefined,
    {},
    nodeName,
    address === undefined ? [] : [address],
    EMPTY_POLICIES,
    kind === 'node' ? (nodeLabels ?? {}) : undefined,
  );
}

export const EMPTY_POLICIES: PodPolicies = {
  ingress: NO_POLICIES,
  egress: NO_POLICIES,
  adminIngress: NO_CLUSTER_POLICIES,
  adminEgress: NO_CLUSTER_POLICIES,
  baselineIngress: NO_CLUSTER_POLICIES,
  baselineEgress: NO_CLUSTER_POLICIES,
};

function makeEndpoint(
  kind: EndpointKind,
  slot: number,
  pod: Pod | undefined,
  namespaceLabels: Labels,
  nodeName: string | undefined,
  addresses: readonly IpAddress[],
  policies: PodPolicies,
  nodeLabels: Labels | undefined,
): Endpoint {
  const ip4 = addresses.find((a) => a.family === 4)?.words[0] ?? -1;
  const ip6 = addresses.find((a) => a.family === 6)?.words;
  return {
    kind,
    slot,
    pod,
    namespaceLabels,
    nodeName,
    ip4,
    ip6,
    ingressPolicies: policies.ingress,
    egressPolicies: policies.egress,
    adminIngress: policies.adminIngress,
    adminEgress: policies.adminEgress,
    baselineIngress: policies.baselineIngress,
    baselineEgress: policies.baselineEgress,
    nodeLabels,
  };
}
