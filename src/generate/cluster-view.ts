/**
 * The cluster as generation reads it: namespaces and pods in name order, so generated
 * suites do not depend on manifest order, and endpoints resolved the way the planner
 * resolves them (existing objects only: a spec that matches nothing gets a probe pod).
 */
import type { ClusterState, Labels, Namespace, Pod } from '../policy/index.js';
import { labelsSatisfying, matchesSelector } from '../policy/index.js';
import { normalizeIp } from '../shared/index.js';
import { NAMESPACE_NAME_LABEL } from '../shared/index.js';
import { assertNever } from '../shared/index.js';
import type { EndpointSpec, NamespaceSpec, PodSpec } from '../suite/index.js';

export class ClusterView {
  /** Sorted by name; labels include `kubernetes.io/metadata.name`, as policies see them. */
  readonly namespaces: readonly Namespace[];
  private readonly byName: ReadonlyMap<string, Namespace>;
  private readonly podsByNamespace: ReadonlyMap<string, readonly Pod[]>;
  private readonly addresses: ReadonlySet<string>;

  /**
   * `outsideAddresses`: addresses known to answer outside the cluster (the lab's outside
   * hosts). Cases pick them first, so that they can be shown with traffic.
   */
  constructor(
    readonly state: ClusterState,
    readonly outsideAddresses: readonly string[] = [],
  ) {
    this.namespaces = [...state.namespaces]
      .map((ns) => ({ name: ns.name, labels: { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name } }))
      .sort((a, b) => compareText(a.name, b.name));
    this.byName = new Map(this.namespaces.map((ns) => [ns.name, ns]));
    const pods = new Map<string, Pod[]>();
    for (const pod of state.pods) {
      const list = pods.get(pod.namespace);
      if (list === undefined) pods.set(pod.namespace, [pod]);
      else list.push(pod);
    }
    for (const list of pods.values()) list.sort((a, b) => compareText(a.name, b.name));
    this.podsByNamespace = pods;
    const addresses = [...state.pods.flatMap((p) => p.ips), ...state.nodes.flatMap((n) => n.addresses)];
    this.addresses = new Set(addresses.map((ip) => normalizeIp(ip) ?? ip));
  }

  namespace(name: string): Namespace | undefined {
    return this.byName.get(name);
  }

  /** Whether a pod or node of the cluster uses the address: it would not stand for an outside host. */
  addressInUse(ip: string): boolean {
    return this.addresses.has(normalizeIp(ip) ?? ip);
  }

  namespacesMatching(spec: NamespaceSpec): Namespace[] {
    switch (spec.kind) {
      case 'name': {
        const namespace = this.byName.get(spec.name);
        return namespace === undefined ? [] : [namespace];
      }
      case 'all':
        return [...this.namespaces];
      case 'selector':
        return this.namespaces.filter((ns) => matchesSelector(spec.selector, ns.labels));
      default:
        return assertNever(spec);
    }
  }

  /**
   * Whether a probe namespace for the spec would take the name of an existing one: a
   * selector that names a namespace (`kubernetes.io/metadata.name`) but asks for labels
   * it does not have. Such a probe cannot exist, so no case uses the spec.
   */
  namespaceClashes(spec: NamespaceSpec): boolean {
    if (spec.kind !== 'selector' || this.namespacesMatching(spec).length > 0) return false;
    const name = labelsSatisfying(spec.selector)?.[NAMESPACE_NAME_LABEL];
    return name !== undefined && this.byName.has(name);
  }

  /**
   * The existing pods an endpoint stands for, namespaces in name order, at most
   * `limit + 1` of them (enough to tell "more than limit").
   */
  podsMatching(endpoint: EndpointSpec, limit = Infinity): Pod[] {
    switch (endpoint.kind) {
      case 'pods':
        return this.podsOf(endpoint.namespace, endpoint.pods, limit);
      case 'pod':
        return (this.podsByNamespace.get(endpoint.namespace) ?? []).filter((p) => p.name === endpoint.name);
      case 'workload':
      case 'service':
      case 'address':
      case 'node':
        return [];
      default:
        return assertNever(endpoint);
    }
  }

  private podsOf(namespace: NamespaceSpec, pods: PodSpec, limit: number): Pod[] {
    const found: Pod[] = [];
    for (const ns of this.namespacesMatching(namespace)) {
      for (const pod of this.podsByNamespace.get(ns.name) ?? []) {
        if (!podSpecMatches(pods, pod.labels)) continue;
        found.push(pod);
        if (found.length > limit) return found;
      }
    }
    return found;
  }
}

export function podSpecMatches(spec: PodSpec, labels: Labels): boolean {
  return spec.kind === 'all' || matchesSelector(spec.selector, labels);
}

/** Code-point order: the same everywhere, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
