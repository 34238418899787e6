/**
 * Where the model's verdicts may be wrong, as data: network policies of kinds it does not
 * know (Cilium, Calico, Antrea, OVN-Kubernetes, other versions of the policy API),
 * `domainNames` peers it cannot resolve, and equal priorities whose order the spec leaves
 * to the implementation. Adapters print them; verdicts carry the unmodelled policies.
 */
import { CLUSTER_POLICY_GROUP, isModelledClusterPolicy } from './build-cluster-policy.js';
import type { ClusterState, UnmodelledPolicy } from './cluster.js';
import type { ClusterPolicy } from './cluster-policy.js';
import { clusterPolicyText } from './cluster-policy.js';

export interface ClusterPolicyWarning {
  readonly code: 'UNMODELLED_POLICY' | 'DOMAIN_NAMES' | 'SAME_PRIORITY';
  readonly message: string;
  readonly location?: UnmodelledPolicy['location'];
}

/** Cluster-scoped policy kinds of other projects: they may apply to any pod. */
const CLUSTER_WIDE_KINDS: ReadonlySet<string> = new Set([
  'CiliumClusterwideNetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
]);

/** Kinds that filter traffic without "NetworkPolicy" in their name. */
const OTHER_POLICY_KINDS: ReadonlySet<string> = new Set(['EgressFirewall']);

/**
 * The object as an unmodelled policy, or undefined when it is no network policy or one the
 * model reads (networking.k8s.io NetworkPolicy, the modelled cluster policy versions).
 */
export function unmodelledPolicyOf(object: Readonly<Record<string, unknown>>): UnmodelledPolicy | undefined {
  const { apiVersion, kind, metadata } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  if (!kind.endsWith('NetworkPolicy') && !OTHER_POLICY_KINDS.has(kind)) return undefined;
  if (kind === 'NetworkPolicy' && apiVersion === 'networking.k8s.io/v1') return undefined;
  if (isModelledClusterPolicy(apiVersion, kind)) return undefined;
  const meta = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const clusterWide = CLUSTER_WIDE_KINDS.has(kind) || apiVersion.startsWith(`${CLUSTER_POLICY_GROUP}/`);
  const namespace = clusterWide ? undefined : typeof meta.namespace === 'string' ? meta.namespace : 'default';
  return { apiVersion, kind, name, namespace };
}

export function clusterPolicyWarnings(state: ClusterState): ClusterPolicyWarning[] {
  const warnings: ClusterPolicyWarning[] = (state.unmodelledPolicies ?? []).map((policy) => ({
    code: 'UNMODELLED_POLICY',
    message: `${policy.apiVersion} ${policy.kind} ${policy.namespace === undefined ? '' : `${policy.namespace}/`}${policy.name} is not modelled: verdicts ${policy.namespace === undefined ? 'anywhere' : `involving namespace ${policy.namespace}`} may be wrong`,
    ...(policy.location === undefined ? {} : { location: policy.location }),
  }));
  const policies = state.clusterPolicies ?? [];
  for (const policy of policies) {
    if (policy.egress.some((rule) => rule.peers.some((peer) => peer.kind === 'domainNames')))
      warnings.push({
        code: 'DOMAIN_NAMES',
        message: `${clusterPolicyText(policy.ref)} has domainNames peers, which the model cannot resolve: they match nothing here`,
      });
  }
  warnings.push(...samePriorityWarnings(policies));
  return warnings;
}

/** "If two (or more) policies in the same tier with the same priority could match a connection, [...] any" may apply. */
function samePriorityWarnings(policies: readonly ClusterPolicy[]): ClusterPolicyWarning[] {
  const groups = new Map<string, ClusterPolicy[]>();
  for (const policy of policies) {
    if (policy.priority === undefined) continue;
    const key = `${policy.tier} ${policy.priority}`;
    groups.set(key, [...(groups.get(key) ?? []), policy]);
  }
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group) => {
      const first = group[0] as ClusterPolicy;
      const names = group.map((p) => clusterPolicyText(p.ref)).sort();
      return {
        code: 'SAME_PRIORITY',
        message: `${names.join(', ')} share priority ${first.priority} in the ${first.tier} tier: implementations may evaluate either first; the model goes by name`,
      };
    });
}
