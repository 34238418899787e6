/** A pack offline: its suite against the model of its own setup and policies. */
import { stateFromManifests } from '../manifests/index.js';
import type { ManifestObject } from '../manifests/index.js';
import { planProbes } from '../plan/index.js';
import { predict } from '../run/index.js';
import type { RunResult } from '../run/index.js';
import type { RecipePack } from './recipe-pack.js';

export interface PredictPackOptions {
  /** The policies to judge by, in place of the pack's own (e.g. as a faulty plugin sees them). */
  readonly policies?: readonly ManifestObject[];
}

export function predictPack(pack: RecipePack, options: PredictPackOptions = {}): RunResult {
  const policies = options.policies ?? pack.policyObjects;
  const others = pack.manifests.filter((manifest) => !pack.policyObjects.includes(manifest));
  const { state } = stateFromManifests([...others, ...policies]);
  return predict(planProbes([pack.suite], state), state, { target: `recipe ${pack.id}` });
}
