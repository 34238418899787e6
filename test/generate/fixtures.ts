/**
 * Clusters to generate from, and the check every generated suite must pass: planned
 * and run through the model on its own, each assertion holds (so no assertion mixes
 * verdicts, and none expects what the policies do not say).
 */
import assert from 'node:assert/strict';
import { readManifests, stateFromManifests } from '../../src/manifests/index.js';
import { withNamespaceNameLabels } from '../../src/policy/index.js';
import type { ClusterState, NetworkPolicyManifest } from '../../src/policy/index.js';
import { planProbes } from '../../src/plan/index.js';
import { predict } from '../../src/run/index.js';
import type { Assertion, Suite } from '../../src/suite/index.js';
import { suiteOf as suiteFrom } from '../../src/suite/index.js';
import { cluster, manifest, policy } from '../policy/fixtures.js';
import { tieredState } from '../policy/cluster-policy-fixtures.js';
import type { TieredState } from '../policy/cluster-policy-fixtures.js';

export const EXAMPLE_MANIFESTS = new URL('../../suites/manifests/', import.meta.url).pathname;

export async function exampleState(): Promise<ClusterState> {
  const read = await readManifests([EXAMPLE_MANIFESTS]);
  assert.deepEqual(read.errors, []);
  const built = stateFromManifests(read.objects);
  assert.deepEqual(built.errors, []);
  return built.state;
}

/** The x/y/z fixture (pods a, b, c in each; y is `team: ops`) under the given policies. */
export function clusterWith(...policies: NetworkPolicyManifest[]): ClusterState {
  return withNamespaceNameLabels(cluster(policies.map((m) => policy(m, m.metadata.namespace))));
}

export { manifest };

export function suiteOf(assertions: readonly Assertion[], file = 'generated.yaml'): Suite {
  return suiteFrom(assertions, { file, name: 'generated' });
}

/**
 * Fails with the names of the assertions that do not hold against the model. An empty
 * list holds vacuously, so it fails too: every caller means "these cases hold".
 */
export function assertAllHold(suites: readonly Suite[], state: ClusterState): void {
  const result = predict(planProbes(suites, state), state, { target: 'test' });
  const judged = result.suites.flatMap((s) => s.assertions);
  assert.ok(judged.length > 0, 'no assertion to judge: an empty list would hold vacuously');
  const failing = judged
    .filter((a) => a.outcome !== 'pass')
    .map((a) => `${a.assertion.name}: ${a.outcome} ${a.reason ?? ''}`);
  assert.deepEqual(failing, []);
}

/** The one generated assertion with this name. */
export function named(assertions: readonly Assertion[], name: string): Assertion {
  const found = assertions.filter((a) => a.name === name);
  assert.equal(
    found.length,
    1,
    `one assertion named "${name}" among:\n${assertions.map((a) => a.name).join('\n')}`,
  );
  return found[0] as Assertion;
}

export function tagsOf(assertion: Assertion): readonly string[] {
  return assertion.origin.kind === 'generated' ? assertion.origin.tags : [];
}

/** The x/y/z fixture under NetworkPolicies and cluster policies (manifests, as users write them). */
export function tieredClusterWith(state: TieredState): ClusterState {
  return withNamespaceNameLabels(tieredState(state));
}
