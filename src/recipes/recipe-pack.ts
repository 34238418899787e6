/** A Network Policy Recipe as a regression pack, loaded and mapped into its own namespaces. */
import type { ExternalHost, ManifestError, ManifestObject } from '../manifests/index.js';
import type { Problem } from '../shared/index.js';
import type { Suite, SuiteError } from '../suite/index.js';

export interface RecipePack {
  /** The folder's name, the recipe's file name without `.md`: `02a-allow-all-traffic-to-an-application`. */
  readonly id: string;
  /** The recipe's heading: `ALLOW all traffic to an application`. */
  readonly title: string;
  /** The recipe's page, when the suite names it. */
  readonly source?: string;
  /** The recipe's namespace → the namespace it runs in. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** setup.yaml for the API server: a Namespace for every namespace the pack uses, then the rest. */
  readonly setupObjects: readonly ManifestObject[];
  /** policy.yaml: the recipe's NetworkPolicies, applied once the setup's pods are Ready. */
  readonly policyObjects: readonly ManifestObject[];
  /** setup.yaml's outside hosts (kind ExternalHost), which only the lab can make. */
  readonly externalHosts: readonly ExternalHost[];
  /** Every object above, outside hosts included: what the model reads offline. */
  readonly manifests: readonly ManifestObject[];
  /** policy.yaml as written, in the recipe's own namespaces, for `recipes show`. */
  readonly policyText: string;
  /** suite.yaml with its endpoints mapped; every assertion's origin is the recipe. */
  readonly suite: Suite;
  /** suite.yaml as written, in the recipe's own namespaces, for `recipes show`. */
  readonly writtenSuite: Suite;
}

/** What can be wrong with a pack as a pack, or with the recipes a suite names. */
export type RecipeProblemCode =
  /** suite.yaml, setup.yaml or policy.yaml is not in the pack's folder. */
  | 'MISSING_FILE'
  /** suite.yaml does not start with its `# Recipe: TITLE` line. */
  | 'NO_TITLE'
  /** suite.yaml holds more than one suite. */
  | 'NOT_ONE_SUITE'
  /** The pack's suite has setup, recipes or generate: setup.yaml is its setup. */
  | 'SUITE_KEYS'
  /** An object of a kind its file may not hold. */
  | 'WRONG_KIND'
  /** A namespace that, mapped, is no valid namespace name. */
  | 'BAD_NAMESPACE'
  /** An endpoint outside the pack's own namespaces. */
  | 'OUTSIDE_PACK'
  /** A suite names a recipe that is not a pack. */
  | 'UNKNOWN_RECIPE';

/** A pack's own problems and those of the suite and manifests in it, in one shape. */
export type RecipeProblem = Problem<RecipeProblemCode> | SuiteError | ManifestError;

export type RecipeLoad =
  | { readonly ok: true; readonly pack: RecipePack }
  | { readonly ok: false; readonly problems: readonly RecipeProblem[] };
