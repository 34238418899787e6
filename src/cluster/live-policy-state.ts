/**
 * Cluster policies read from a live cluster, between listing and the state: the API server
 * stored each, so one the model rejects (a CRD of another release may allow what the
 * model's checks do not) is no bad input but a policy the model cannot evaluate there:
 * it is named as unmodelled, with why, and the run goes on. And the model's warnings
 * about the state, as notices.
 */
import { buildClusterPolicy, clusterPolicyWarnings, isModelledClusterPolicy } from '../policy/index.js';
import type { ClusterState, UnmodelledPolicy } from '../policy/index.js';
import type { ClusterNotice } from './cluster-notice.js';

export interface ScreenedPolicies {
  /** The objects to build the state from: every one but those rejected. */
  readonly objects: readonly Record<string, unknown>[];
  readonly rejected: readonly UnmodelledPolicy[];
  readonly notices: readonly ClusterNotice[];
}

export function screenClusterPolicies(objects: readonly Record<string, unknown>[]): ScreenedPolicies {
  const kept: Record<string, unknown>[] = [];
  const rejected: UnmodelledPolicy[] = [];
  const notices: ClusterNotice[] = [];
  for (const object of objects) {
    const built = isModelledClusterPolicy(object.apiVersion, object.kind)
      ? buildClusterPolicy(object)
      : undefined;
    if (built === undefined || built.ok) {
      kept.push(object);
      continue;
    }
    const policy = asUnmodelled(object);
    rejected.push(policy);
    const why = built.errors.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ');
    notices.push({
      kind: 'warning',
      code: 'BAD_CLUSTER_POLICY',
      message: `${policy.kind} ${policy.name} is stored in the cluster, but the model rejects it (${why}); it is not modelled`,
    });
  }
  return { objects: kept, rejected, notices };
}

/**
 * The state's unmodelled policies with the rejected ones, in the order stateFromManifests
 * gives them, and without a location: a live object has no file and line.
 */
export function withLiveUnmodelled(state: ClusterState, rejected: readonly UnmodelledPolicy[]): ClusterState {
  const unmodelled = [...(state.unmodelledPolicies ?? []), ...rejected].map(withoutLocation);
  if (unmodelled.length === 0) return state;
  unmodelled.sort(
    (a, b) =>
      compareText(a.kind, b.kind) ||
      compareText(a.namespace ?? '', b.namespace ?? '') ||
      compareText(a.name, b.name),
  );
  return { ...state, unmodelledPolicies: unmodelled };
}

/** UNMODELLED_POLICY, DOMAIN_NAMES and SAME_PRIORITY, as `--state` prints them. */
export function modelWarnings(state: ClusterState): ClusterNotice[] {
  return clusterPolicyWarnings(state).map(({ code, message }) => ({ kind: 'warning', code, message }));
}

/** A modelled version's object, named as an unmodelled one: every modelled kind is cluster-wide. */
function asUnmodelled(object: Readonly<Record<string, unknown>>): UnmodelledPolicy {
  const { metadata } = object;
  const name =
    typeof metadata === 'object' &&
    metadata !== null &&
    'name' in metadata &&
    typeof metadata.name === 'string'
      ? metadata.name
      : '';
  return { apiVersion: String(object.apiVersion), kind: String(object.kind), name, namespace: undefined };
}

function withoutLocation(policy: UnmodelledPolicy): UnmodelledPolicy {
  return { apiVersion: policy.apiVersion, kind: policy.kind, name: policy.name, namespace: policy.namespace };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
