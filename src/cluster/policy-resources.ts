/**
 * The network policies a live cluster holds beside NetworkPolicy, found through API
 * discovery (`/apis`, which every authenticated user may read, then each group's
 * resources): the policy.networking.k8s.io kinds the model evaluates, and the policies
 * of other projects it does not (Cilium, Calico, Antrea, OVN-Kubernetes, other versions
 * of the policy API). They come back as plain objects for stateFromManifests, which
 * builds and names them exactly as `--state` does with the same objects from files.
 */
import type { ApisApi, CustomObjectsApi, V1APIGroup, V1APIResource } from '@kubernetes/client-node';
import { CLUSTER_POLICY_GROUP, isModelledClusterPolicy, unmodelledPolicyOf } from '../policy/index.js';
import type { ClusterPolicyKind } from '../policy/index.js';
import type { ClusterNotice } from './cluster-notice.js';

/**
 * The groups read, in order. A group of alternatives holds the same policies twice:
 * Calico's API server (projectcalico.org) serves what its CRDs (crd.projectcalico.org)
 * store, so the first alternative that yields policy resources is the one read.
 */
const POLICY_GROUPS: readonly (readonly string[])[] = [
  [CLUSTER_POLICY_GROUP],
  ['cilium.io'],
  ['projectcalico.org', 'crd.projectcalico.org'],
  ['crd.antrea.io'],
  ['k8s.ovn.org'],
];

const MODELLED_KINDS: readonly ClusterPolicyKind[] = [
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
];

/** A collection of policies, as discovery names it. */
export interface PolicyResource {
  readonly group: string;
  readonly version: string;
  /** The resource's plural, e.g. `ciliumnetworkpolicies`. */
  readonly plural: string;
  readonly kind: string;
}

export interface PolicyObjects {
  /** Every object listed, in wire form, with its kind and apiVersion. */
  readonly objects: readonly Record<string, unknown>[];
  readonly notices: readonly ClusterNotice[];
}

interface Listing {
  readonly resource: PolicyResource;
  /** Undefined when the listing failed (a warning says why). */
  readonly items: readonly Record<string, unknown>[] | undefined;
}

/**
 * Never rejects: a failure here leaves policies out, with a warning naming what could not
 * be read, and the NetworkPolicies and pods are still worth a run.
 */
export async function readPolicyObjects(apis: ApisApi, custom: CustomObjectsApi): Promise<PolicyObjects> {
  const notices: ClusterNotice[] = [];
  let groups: readonly V1APIGroup[];
  try {
    groups = (await apis.getAPIVersions()).groups;
  } catch (error) {
    const what = "cluster policies and other projects' policies";
    notices.push(notRead(`could not discover the API groups (${reasonOf(error)})`, what));
    return { objects: [], notices };
  }
  const resources: PolicyResource[] = [];
  for (const alternatives of POLICY_GROUPS) {
    for (const name of alternatives) {
      const group = groups.find((g) => g.name === name);
      if (group === undefined) continue;
      const found = await policyResourcesOf(group, custom, notices);
      resources.push(...found);
      if (found.length > 0) break;
    }
  }
  const listings = await Promise.all(resources.map((resource) => list(resource, custom, notices)));
  notices.unshift(clusterPoliciesNote(groups, listings));
  return {
    objects: listings.flatMap((listing) => listing.items ?? []),
    notices,
  };
}

/** The group's policy resources, each in one version: the one the model reads, else the preferred one. */
async function policyResourcesOf(
  group: V1APIGroup,
  custom: CustomObjectsApi,
  notices: ClusterNotice[],
): Promise<PolicyResource[]> {
  const found: PolicyResource[] = [];
  for (const { version } of group.versions) {
    let served: readonly V1APIResource[];
    try {
      served = (await custom.getAPIResources({ group: group.name, version })).resources;
    } catch (error) {
      const why = `could not discover ${group.name}/${version} (${reasonOf(error)})`;
      notices.push(notRead(why, `the policies of ${group.name}/${version}`));
      continue;
    }
    for (const resource of served) {
      // `name` of a subresource is `plural/sub`.
      const listable = !resource.name.includes('/') && resource.verbs.includes('list');
      if (listable && isPolicyKind(`${group.name}/${version}`, resource.kind))
        found.push({ group: group.name, version, plural: resource.name, kind: resource.kind });
    }
  }
  const rank = (resource: PolicyResource): number =>
    isModelledClusterPolicy(`${resource.group}/${resource.version}`, resource.kind)
      ? -1
      : resource.version === group.preferredVersion?.version
        ? 0
        : 1 + group.versions.findIndex((v) => v.version === resource.version);
  const chosen = new Map<string, PolicyResource>();
  for (const resource of found) {
    const earlier = chosen.get(resource.plural);
    if (earlier === undefined || rank(resource) < rank(earlier)) chosen.set(resource.plural, resource);
  }
  return [...chosen.values()];
}

/** What the model evaluates or names as unmodelled, the same test `--state` applies to a file's objects. */
function isPolicyKind(apiVersion: string, kind: string): boolean {
  return (
    isModelledClusterPolicy(apiVersion, kind) ||
    unmodelledPolicyOf({ apiVersion, kind, metadata: {} }) !== undefined
  );
}

async function list(
  resource: PolicyResource,
  custom: CustomObjectsApi,
  notices: ClusterNotice[],
): Promise<Listing> {
  const { group, version, plural, kind } = resource;
  try {
    // Across every namespace for a namespaced resource: /apis/GROUP/VERSION/PLURAL.
    const body: unknown = await custom.listClusterCustomObject({ group, version, plural });
    const apiVersion = `${group}/${version}`;
    return { resource, items: itemsOf(body).map((item) => ({ ...item, apiVersion, kind })) };
  } catch (error) {
    const what = `list ${plural}.${group}`;
    notices.push(
      notRead(
        statusOf(error) === 403
          ? `${what} is forbidden (${reasonOf(error)}): grant the runner list on it (docs/live-runs.md)`
          : `could not ${what} (${reasonOf(error)})`,
        `${kind} objects`,
      ),
    );
    return { resource, items: undefined };
  }
}

/** Says once whether cluster policies are modelled here, and how many were read. */
function clusterPoliciesNote(groups: readonly V1APIGroup[], listings: readonly Listing[]): ClusterNotice {
  const onlyNetworkPolicies = 'only NetworkPolicies are modelled';
  const modelled = listings.filter(({ resource }) =>
    isModelledClusterPolicy(`${resource.group}/${resource.version}`, resource.kind),
  );
  if (!groups.some((g) => g.name === CLUSTER_POLICY_GROUP))
    return note(`the ${CLUSTER_POLICY_GROUP} CRDs are not installed; ${onlyNetworkPolicies}`);
  if (modelled.length === 0)
    return note(
      `${CLUSTER_POLICY_GROUP} is served in no version the model reads (docs/cluster-policies.md); ${onlyNetworkPolicies}`,
    );
  const parts = MODELLED_KINDS.map((kind) => {
    const listing = modelled.find(({ resource }) => resource.kind === kind);
    if (listing === undefined) return `${kind} not installed`;
    if (listing.items === undefined) return `${kind} not read`;
    return `${listing.items.length} ${kind} (${listing.resource.version})`;
  });
  return note(`read ${parts.join(', ')}`);
}

function note(message: string): ClusterNotice {
  return { kind: 'note', message: `cluster policies: ${message}` };
}

function notRead(why: string, what: string): ClusterNotice {
  return {
    kind: 'warning',
    code: 'POLICIES_NOT_READ',
    message: `${why}; ${what} are neither modelled nor named: verdicts may be wrong`,
  };
}

function itemsOf(body: unknown): Record<string, unknown>[] {
  const items = isObject(body) ? body.items : undefined;
  return Array.isArray(items) ? items.filter(isObject) : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function statusOf(error: unknown): number | undefined {
  return isObject(error) && typeof error.code === 'number' ? error.code : undefined;
}

/** The API server's Status message when it sent one (an ApiException's body), else the error's. */
function reasonOf(error: unknown): string {
  const status = statusOf(error);
  const body = isObject(error) ? error.body : undefined;
  const parsed: unknown = typeof body === 'string' ? parseJson(body) : body;
  const message = isObject(parsed) && typeof parsed.message === 'string' ? parsed.message : undefined;
  if (message !== undefined) return status === undefined ? message : `${status}: ${message}`;
  if (status !== undefined) return `HTTP ${status}`;
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
