/**
 * What the policy model says a suite run should give when the network plugin mangles the
 * policies in a known way: the manifests' NetworkPolicies (peer by peer) or whole objects
 * (cluster policies) rewritten as the plugin reads them, then `predict`. The fault-mode
 * tests compare a live run with this.
 */
import { readManifests, stateFromManifests } from '../../src/manifests/index.js';
import type { ManifestObject } from '../../src/manifests/index.js';
import { planProbes } from '../../src/plan/index.js';
import { predict } from '../../src/run/index.js';
import type { AssertionResult } from '../../src/run/index.js';
import { loadSuiteFiles } from '../../src/suite/index.js';
import type { Suite } from '../../src/suite/index.js';
import { REPO_ROOT } from '../cli/run-cli.js';

type Json = Record<string, unknown>;
/** Rewrites one peer (an entry of `from`/`to`) of a NetworkPolicy manifest. */
export type PeerRewrite = (peer: Json) => Json;
/** Rewrites a whole object as the plugin reads it; undefined: the plugin does not see it. */
export type ObjectRewrite = (object: Json) => Json | undefined;

const CLUSTER_POLICY_KINDS = ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'];

function isClusterPolicy(object: Json): boolean {
  return (
    typeof object.apiVersion === 'string' &&
    object.apiVersion.startsWith('policy.networking.k8s.io/') &&
    CLUSTER_POLICY_KINDS.includes(String(object.kind))
  );
}

/** kindnet (`--cni no-cluster-policies`): cluster policies are not enforced at all. */
export const dropClusterPolicies: ObjectRewrite = (object) => (isClusterPolicy(object) ? undefined : object);

/** `--cni no-pass`: every Pass rule acts as Accept (v1alpha2) or Allow (v1alpha1). */
export const passAsAccept: ObjectRewrite = (object) => {
  if (!isClusterPolicy(object)) return object;
  const accept = object.apiVersion === 'policy.networking.k8s.io/v1alpha2' ? 'Accept' : 'Allow';
  const rewritten = structuredClone(object) as Json;
  const spec = (rewritten.spec ?? {}) as Json;
  for (const direction of ['ingress', 'egress']) {
    const rules = Array.isArray(spec[direction]) ? (spec[direction] as Json[]) : [];
    for (const rule of rules) if (rule.action === 'Pass') rule.action = accept;
  }
  return rewritten;
};

/** A label no pod carries: a peer that selects only it matches nothing, as the plugin's dropped peer does. */
const MATCHES_NOTHING: Json = { podSelector: { matchLabels: { 'e2e.netpol-assert.io/unmatched': 'true' } } };

/** Weave 2.5 (`--cni no-combined-selectors`): a peer with namespaceSelector and podSelector matches nothing. */
export const dropCombinedPeers: PeerRewrite = (peer) =>
  isSet(peer.namespaceSelector) && isSet(peer.podSelector) ? MATCHES_NOTHING : peer;

/** A selector field that is written: `null` in YAML is the same as leaving it out. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export async function loadSuites(paths: readonly string[]): Promise<Suite[]> {
  const { suites, errors } = await loadSuiteFiles(paths, { cwd: REPO_ROOT });
  if (errors.length > 0)
    throw new Error(`the suites have problems: ${errors.map((e) => e.message).join('; ')}`);
  return suites;
}

/**
 * Every assertion's outcome under the model of `manifests`, NetworkPolicy peers rewritten
 * by `rewrite` and whole objects by `rewriteObject`.
 */
export async function predictOutcomes(
  suites: readonly Suite[],
  manifests: readonly string[],
  rewrite: PeerRewrite = (peer) => peer,
  rewriteObject: ObjectRewrite = (object) => object,
): Promise<AssertionResult[]> {
  const read = await readManifests(manifests.map((path) => `${REPO_ROOT}${path}`));
  const objects = read.objects.flatMap((manifest) => {
    const object = rewriteObject(manifest.object as Json);
    return object === undefined ? [] : [rewritePolicy({ ...manifest, object }, rewrite)];
  });
  const built = stateFromManifests(objects);
  const errors = [...read.errors, ...built.errors];
  if (errors.length > 0)
    throw new Error(`the manifests have problems: ${errors.map((e) => e.message).join('; ')}`);
  const result = predict(planProbes(suites, built.state), built.state, { target: 'model' });
  return result.suites.flatMap((suite) => suite.assertions);
}

function rewritePolicy(manifest: ManifestObject, rewrite: PeerRewrite): ManifestObject {
  if (manifest.object.kind !== 'NetworkPolicy') return manifest;
  const object = structuredClone(manifest.object) as Json;
  const spec = (object.spec ?? {}) as Json;
  for (const [direction, peersKey] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    const rules = Array.isArray(spec[direction]) ? (spec[direction] as Json[]) : [];
    for (const rule of rules) {
      const peers = rule[peersKey];
      if (Array.isArray(peers)) rule[peersKey] = (peers as Json[]).map(rewrite);
    }
  }
  return { object, location: manifest.location };
}
