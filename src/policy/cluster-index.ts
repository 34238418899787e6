/**
 * The cluster indexed once for verdicts: namespace labels by name, policies by namespace,
 * the policies selecting each pod per direction, pods and nodes by address.
 */
import { formatIp, parseIp } from '../shared/index.js';
import type { IpAddress } from '../shared/index.js';
import { NAMESPACE_NAME_LABEL } from '../shared/index.js';
import type { ClusterState, Labels, Pod } from './cluster.js';
import type { CompiledPolicy } from './compile.js';
import type { CompiledClusterPolicy } from './compile-cluster.js';
import type { ClusterSubject } from './cluster-policy.js';
import { addressEndpoint, EMPTY_POLICIES, podEndpoint } from './endpoint.js';
import type { PodPolicies, ResolvedEndpoint } from './endpoint.js';
import { matchesSelector } from './selector.js';

/** Addresses remembered between queries; past this the memo starts over. */
const ADDRESS_MEMO_LIMIT = 65_536;

export class ClusterIndex {
  /** How many pods have a column in the peer-match cache. */
  readonly slots: number;
  private readonly namespaceLabels = new Map<string, Labels>();
  private readonly policiesByNamespace = new Map<string, CompiledPolicy[]>();
  private readonly nodeAddresses = new Map<string, IpAddress[]>();
  private readonly nodeByAddress = new Map<string, string>();
  private readonly podByAddress = new Map<string, ResolvedEndpoint>();
  private readonly pods = new Map<Pod, ResolvedEndpoint>();
  private readonly unlistedPods = new WeakMap<Pod, ResolvedEndpoint>();
  private readonly addresses = new Map<string, ResolvedEndpoint>();
  private readonly nodeLabels = new Map<string, Labels>();

  constructor(
    state: ClusterState,
    policies: readonly CompiledPolicy[],
    private readonly clusterPolicies: ClusterTiers = NO_TIERS,
  ) {
    for (const namespace of state.namespaces) {
      this.namespaceLabels.set(namespace.name, {
        ...namespace.labels,
        [NAMESPACE_NAME_LABEL]: namespace.name,
      });
    }
    for (const compiled of policies) {
      const namespace = compiled.policy.target.namespace;
      const list = this.policiesByNamespace.get(namespace);
      if (list === undefined) this.policiesByNamespace.set(namespace, [compiled]);
      else list.push(compiled);
    }
    for (const node of state.nodes) {
      this.nodeLabels.set(node.name, node.labels);
      const parsed = node.addresses.map(parseIp).filter((a): a is IpAddress => a !== undefined);
      this.nodeAddresses.set(node.name, parsed);
      for (const address of parsed) this.nodeByAddress.set(formatIp(address), node.name);
    }
    let slot = 0;
    for (const pod of state.pods) {
      if (this.pods.has(pod)) continue;
      const resolved = this.resolvedPod(pod, pod.hostNetwork ? -1 : slot++);
      this.pods.set(pod, resolved);
      if (pod.hostNetwork) continue;
      for (const ip of pod.ips) {
        const key = parseIp(ip);
        if (key === undefined) continue;
        const text = formatIp(key);
        if (!this.podByAddress.has(text))
          this.podByAddress.set(text, { endpoint: resolved.endpoint, family: key.family, byAddress: true });
      }
    }
    this.slots = slot;
  }

  /** A pod of the state, or one built on the fly (e.g. a probe pod), remembered weakly. */
  resolvePod(pod: Pod): ResolvedEndpoint {
    const listed = this.pods.get(pod);
    if (listed !== undefined) return listed;
    let unlisted = this.unlistedPods.get(pod);
    if (unlisted === undefined) {
      unlisted = this.resolvedPod(pod, -1);
      this.unlistedPods.set(pod, unlisted);
    }
    return unlisted;
  }

  /** A pod's IP counts as the pod, a node's as the node; anything else is outside. */
  resolveAddress(ip: string): ResolvedEndpoint {
    const known = this.addresses.get(ip);
    if (known !== undefined) return known;
    if (this.addresses.size >= ADDRESS_MEMO_LIMIT) this.addresses.clear();
    const resolved = this.resolvedAddress(ip);
    this.addresses.set(ip, resolved);
    return resolved;
  }

  /** The policies that select `pod`, per direction they isolate, and the cluster policies per tier. */
  policiesSelecting(pod: Pod): PodPolicies {
    if (pod.hostNetwork) return EMPTY_POLICIES;
    const selecting = (this.policiesByNamespace.get(pod.namespace) ?? []).filter((compiled) =>
      matchesSelector(compiled.policy.target.podSelector, pod.labels),
    );
    const namespaceLabels = this.labelsOfNamespace(pod.namespace);
    const subjectOf = (list: readonly CompiledClusterPolicy[]): CompiledClusterPolicy[] =>
      list.filter((c) => subjectSelects(c.policy.subject, namespaceLabels, pod.labels));
    const admin = subjectOf(this.clusterPolicies.admin);
    const baseline = subjectOf(this.clusterPolicies.baseline);
    return {
      ingress: selecting.filter((compiled) => compiled.ingress !== undefined),
      egress: selecting.filter((compiled) => compiled.egress !== undefined),
      // "CNPs with no ingress rules do not affect ingress traffic" (and egress alike).
      adminIngress: admin.filter((c) => c.ingress.length > 0),
      adminEgress: admin.filter((c) => c.egress.length > 0),
      baselineIngress: baseline.filter((c) => c.ingress.length > 0),
      baselineEgress: baseline.filter((c) => c.egress.length > 0),
    };
  }

  private labelsOfNamespace(namespace: string): Labels {
    return this.namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  }

  private resolvedPod(pod: Pod, slot: number): ResolvedEndpoint {
    const own = pod.ips.map(parseIp).filter((a): a is IpAddress => a !== undefined);
    // A hostNetwork pod without addresses of its own has its node's.
    const addresses = own.length > 0 || !pod.hostNetwork ? own : this.addressesOfNode(pod.nodeName);
    const namespaceLabels = this.labelsOfNamespace(pod.namespace);
    const nodeLabels = pod.nodeName === undefined ? undefined : this.nodeLabels.get(pod.nodeName);
    const endpoint = podEndpoint(
      pod,
      slot,
      namespaceLabels,
      addresses,
      this.policiesSelecting(pod),
      nodeLabels,
    );
    return { endpoint, family: addresses[0]?.family ?? 0, byAddress: false };
  }

  private addressesOfNode(nodeName: string | undefined): IpAddress[] {
    return nodeName === undefined ? [] : (this.nodeAddresses.get(nodeName) ?? []);
  }

  private resolvedAddress(ip: string): ResolvedEndpoint {
    const address = parseIp(ip);
    if (address === undefined)
      return { endpoint: addressEndpoint('outside', undefined), family: 0, byAddress: true };
    const text = formatIp(address);
    const pod = this.podByAddress.get(text);
    if (pod !== undefined) return { endpoint: pod.endpoint, family: address.family, byAddress: true };
    const node = this.nodeByAddress.get(text);
    const endpoint =
      node === undefined
        ? addressEndpoint('outside', address)
        : addressEndpoint('node', address, node, this.nodeLabels.get(node));
    return { endpoint, family: address.family, byAddress: true };
  }
}

/** The cluster policies of the Admin and Baseline tiers, each in evaluation order. */
export interface ClusterTiers {
  readonly admin: readonly CompiledClusterPolicy[];
  readonly baseline: readonly CompiledClusterPolicy[];
}

const NO_TIERS: ClusterTiers = { admin: [], baseline: [] };

/** `namespaces`: every pod of the selected namespaces; `pods`: namespace AND pod selector. */
function subjectSelects(subject: ClusterSubject, namespaceLabels: Labels, podLabels: Labels): boolean {
  const namespaces = subject.namespaces;
  if (namespaces.kind === 'labelled' && !matchesSelector(namespaces.selector, namespaceLabels)) return false;
  if (subject.kind === 'namespaces') return true;
  return subject.pods.kind === 'all' || matchesSelector(subject.pods.selector, podLabels);
}
