/**
 * A ClusterState from manifests, for `predict`, `explain` and `generate` without a
 * cluster: declared objects as they are, workloads expanded into the pods their
 * controllers would run, namespaces and nodes that objects name but nobody declared made
 * up, and every pod and node given an address. The result does not depend on the order
 * the objects come in.
 */
import type { ClusterState, Namespace, UnmodelledPolicy } from '../policy/index.js';
import type { ClusterPolicy } from '../policy/index.js';
import type { NetworkPolicy } from '../policy/index.js';
import { buildPolicy } from '../policy/index.js';
import { buildClusterPolicy, isModelledClusterPolicy } from '../policy/index.js';
import { unmodelledPolicyOf } from '../policy/index.js';
import type { NetworkPolicyManifest } from '../policy/index.js';
import { assignAddresses } from './assign-addresses.js';
import { declaredObjects } from './declared-objects.js';
import type { DeclaredObjects } from './declared-objects.js';
import { expandWorkload } from './expand-workload.js';
import { readExternalHost } from './external-host.js';
import type { ExternalHost } from './external-host.js';
import { FieldReader } from './manifest-fields.js';
import type { JsonObject } from './manifest-fields.js';
import { CLUSTER_POLICY_KINDS, isWorkloadKind } from './manifest-kinds.js';
import type { StateKind } from './manifest-kinds.js';
import type { ManifestError, ManifestObject } from './manifest-object.js';
import type { PodDraft } from './pod-draft.js';
import { namespaceOf, readNamespace } from './read-namespace.js';
import { nodeDraftOf, readNode } from './read-node.js';
import type { NodeDraft } from './read-node.js';
import { readPod } from './read-pod.js';
import type { DeclaredPod } from './read-pod.js';
import { readService } from './read-service.js';
import { readWorkload } from './read-workload.js';
import type { Workload } from './read-workload.js';
import { resolveOwner, workloadKey } from './resolve-owner.js';
import type { WorkloadIndex } from './resolve-owner.js';
import { DEFAULT_NAMESPACE } from './object-identity.js';

export interface StateFromManifests {
  readonly state: ClusterState;
  /** The lab's ExternalHost objects: outside addresses, not part of the cluster. */
  readonly externalHosts: readonly ExternalHost[];
  readonly errors: readonly ManifestError[];
}

export interface StateOptions {
  /**
   * Stamp out pods from workload templates that no declared pod covers (the default, for
   * manifests). A live cluster's pods are all listed, so its workloads only name owners.
   */
  readonly expandWorkloads?: boolean;
}

export function stateFromManifests(
  objects: readonly ManifestObject[],
  options: StateOptions = {},
): StateFromManifests {
  const errors: ManifestError[] = [];
  const declared = declaredObjects(objects, errors);
  const read = <T>(kind: StateKind, reader: (object: JsonObject, fields: FieldReader) => T): T[] =>
    (declared.get(kind) ?? []).map((manifest) => reader(manifest.object, new FieldReader(manifest, errors)));

  const workloads = readWorkloads(declared, errors);
  const workloadIndex: WorkloadIndex = new Map(
    workloads.map((w) => [workloadKey(w.kind, w.namespace, w.name), w]),
  );
  const declaredPods = read('Pod', readPod);
  const podDrafts = declaredPods.map((pod) => withOwner(pod, workloadIndex));
  const nodes = withReferencedNodes(read('Node', readNode), podDrafts, workloads);
  const covered = coveredWorkloads(declaredPods, podDrafts, workloads, workloadIndex);
  const expand = options.expandWorkloads ?? true;
  for (const workload of workloads.filter(
    (w) => expand && !covered.has(workloadKey(w.kind, w.namespace, w.name)),
  )) {
    const self = { kind: workload.kind, name: workload.name };
    const owner = resolveOwner(self, workload.namespace, workload.template.labels, workloadIndex) ?? self;
    podDrafts.push(...withoutClashes(expandWorkload(workload, owner, nodes), podDrafts, workload, errors));
  }
  const services = read('Service', readService);
  const policies = readPolicies(declared, errors);
  const clusterPolicies = readClusterPolicies(declared, errors);
  const unmodelledPolicies = readUnmodelledPolicies(objects);
  const externalHosts = read('ExternalHost', readExternalHost).filter((host) => host !== undefined);
  const otherAddresses = [...services.flatMap((s) => s.clusterIPs), ...externalHosts.map((h) => h.address)];
  const addressed = assignAddresses(nodes, podDrafts, otherAddresses);
  errors.push(...addressed.errors);
  const namespaces = withReferencedNamespaces(read('Namespace', readNamespace), [
    ...podDrafts,
    ...workloads,
    ...services,
    ...policies.map((policy) => policy.ref),
  ]);
  const state: ClusterState = {
    namespaces,
    pods: addressed.pods.sort(byNamespaceAndName),
    nodes: addressed.nodes,
    services: services.sort(byNamespaceAndName),
    policies: policies.sort((a, b) => byNamespaceAndName(a.ref, b.ref)),
    // Present only when declared, so states without them stay as they were.
    ...(clusterPolicies.length > 0 ? { clusterPolicies } : {}),
    ...(unmodelledPolicies.length > 0 ? { unmodelledPolicies } : {}),
  };
  return { state, externalHosts: externalHosts.sort(byName), errors };
}

function readWorkloads(declared: DeclaredObjects, errors: ManifestError[]): Workload[] {
  const workloads: Workload[] = [];
  for (const [kind, manifests] of declared) {
    if (!isWorkloadKind(kind)) continue;
    for (const manifest of manifests)
      workloads.push(readWorkload(kind, manifest.object, new FieldReader(manifest, errors)));
  }
  return workloads;
}

function withOwner(pod: DeclaredPod, workloads: WorkloadIndex): PodDraft {
  const owner = resolveOwner(pod.ownerReference, pod.draft.namespace, pod.draft.labels, workloads);
  return owner === undefined ? pod.draft : { ...pod.draft, owner };
}

/**
 * Workloads whose pods the manifests already hold (a `kubectl get -o yaml` dump has the
 * Deployment, its ReplicaSet and its Pods) or whose owner is declared and stamps them out.
 */
function coveredWorkloads(
  declaredPods: readonly DeclaredPod[],
  podDrafts: readonly PodDraft[],
  workloads: readonly Workload[],
  workloadIndex: WorkloadIndex,
): Set<string> {
  const covered = new Set<string>();
  declaredPods.forEach(({ ownerReference, draft }, index) => {
    if (ownerReference !== undefined && isWorkloadKind(ownerReference.kind))
      covered.add(workloadKey(ownerReference.kind, draft.namespace, ownerReference.name));
    const owner = podDrafts[index]?.owner;
    if (owner !== undefined) covered.add(workloadKey(owner.kind, draft.namespace, owner.name));
  });
  for (const workload of workloads) {
    const parent = workload.ownerReference;
    if (
      parent !== undefined &&
      isWorkloadKind(parent.kind) &&
      workloadIndex.has(workloadKey(parent.kind, workload.namespace, parent.name))
    )
      covered.add(workloadKey(workload.kind, workload.namespace, workload.name));
  }
  return covered;
}

/** A generated pod that has the name of a declared one is dropped, with an error. */
function withoutClashes(
  generated: readonly PodDraft[],
  existing: readonly PodDraft[],
  workload: Workload,
  errors: ManifestError[],
): PodDraft[] {
  const taken = new Map(existing.map((pod) => [`${pod.namespace}/${pod.name}`, pod]));
  return generated.filter((pod) => {
    const clash = taken.get(`${pod.namespace}/${pod.name}`);
    if (clash === undefined) return true;
    const { file, line, col } = clash.location;
    const message = `${workload.kind} ${workload.name} would run pod ${pod.name}, which is already declared at ${file}:${line}:${col}`;
    errors.push({ code: 'DUPLICATE', message, location: workload.location });
    return false;
  });
}

/** Nodes that pods or templates name by spec.nodeName exist, even if undeclared. */
function withReferencedNodes(
  declared: readonly NodeDraft[],
  pods: readonly PodDraft[],
  workloads: readonly Workload[],
): NodeDraft[] {
  const nodes = new Map(declared.map((node) => [node.name, node]));
  const referenced = [...pods.map((pod) => pod.nodeName), ...workloads.map((w) => w.template.nodeName)];
  for (const name of referenced)
    if (name !== undefined && !nodes.has(name)) nodes.set(name, nodeDraftOf(name));
  return [...nodes.values()].sort(byName);
}

/** Namespaces objects live in exist, even if undeclared, with only their name label. */
function withReferencedNamespaces(
  declared: readonly Namespace[],
  namespaced: readonly { readonly namespace: string }[],
): Namespace[] {
  const namespaces = new Map(declared.map((namespace) => [namespace.name, namespace]));
  for (const { namespace } of namespaced)
    if (!namespaces.has(namespace)) namespaces.set(namespace, namespaceOf(namespace));
  return [...namespaces.values()].sort(byName);
}

function readPolicies(declared: DeclaredObjects, errors: ManifestError[]): NetworkPolicy[] {
  const policies: NetworkPolicy[] = [];
  for (const manifest of declared.get('NetworkPolicy') ?? []) {
    // buildPolicy validates the shape itself, so the plain object can be handed over as it is.
    const built = buildPolicy(manifest.object as unknown as NetworkPolicyManifest, DEFAULT_NAMESPACE);
    if (built.ok) policies.push(built.policy);
    else {
      const reader = new FieldReader(manifest, errors);
      for (const error of built.errors) reader.problem('BAD_POLICY', error.path, error.message);
    }
  }
  return policies;
}

/** The modelled versions of the policy.networking.k8s.io kinds, sorted by kind then name. */
function readClusterPolicies(declared: DeclaredObjects, errors: ManifestError[]): ClusterPolicy[] {
  const policies: ClusterPolicy[] = [];
  for (const kind of CLUSTER_POLICY_KINDS) {
    for (const manifest of declared.get(kind) ?? []) {
      const { object } = manifest;
      // Other versions are reported as unmodelled policies, not as errors.
      if (!isModelledClusterPolicy(object.apiVersion, object.kind)) continue;
      const built = buildClusterPolicy(object);
      if (built.ok) policies.push(built.policy);
      else {
        const reader = new FieldReader(manifest, errors);
        for (const error of built.errors) reader.problem('BAD_CLUSTER_POLICY', error.path, error.message);
      }
    }
  }
  return policies.sort((a, b) => compareText(a.ref.kind, b.ref.kind) || compareText(a.ref.name, b.ref.name));
}

/** Policies of kinds the model does not know, each where it was declared. */
function readUnmodelledPolicies(objects: readonly ManifestObject[]): UnmodelledPolicy[] {
  const unmodelled: UnmodelledPolicy[] = [];
  for (const { object, location } of objects) {
    const policy = unmodelledPolicyOf(object);
    if (policy !== undefined) unmodelled.push({ ...policy, location });
  }
  return unmodelled.sort(
    (a, b) =>
      compareText(a.kind, b.kind) ||
      compareText(a.namespace ?? '', b.namespace ?? '') ||
      compareText(a.name, b.name),
  );
}

function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return compareText(a.name, b.name);
}

function byNamespaceAndName(
  a: { readonly namespace: string; readonly name: string },
  b: { readonly namespace: string; readonly name: string },
): number {
  return compareText(a.namespace, b.namespace) || compareText(a.name, b.name);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
