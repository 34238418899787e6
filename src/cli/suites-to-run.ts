/**
 * The suites `run` and `predict` plan, made the same way: the recipe packs the suites
 * name (`recipes: [...]`) loaded, the generated cases and contradictions worked out from
 * the policies in force (`generate: true`, --generate, --strict), then the packs'
 * assertions appended to each suite that names them. Offline: recipes/packs.js, never
 * the live half of src/recipes.
 */
import type { ClusterState } from '../policy/index.js';
import { loadSuiteRecipes, withRecipeAssertions } from '../recipes/packs.js';
import type { LiveAbilities, RecipePack } from '../recipes/packs.js';
import { formatProblem } from '../shared/index.js';
import type { Suite } from '../suite/index.js';
import type { CommandContext } from './command.js';
import { applyGeneration, needsModel } from './generation.js';
import type { GenerationOptions } from './options.js';

/**
 * The packs the suites name, loaded once however many suites name them; undefined after
 * printing every problem. A live run passes its token: its packs get namespaces of its own.
 */
export async function loadNamedRecipes(
  suites: readonly Suite[],
  context: CommandContext,
  runToken?: string,
): Promise<readonly RecipePack[] | undefined> {
  const recipes = await loadSuiteRecipes(suites, runToken === undefined ? {} : { run: runToken });
  if (recipes.ok) return recipes.packs;
  for (const problem of recipes.problems) context.stderr.write(`${formatProblem(problem)}\n`);
  return undefined;
}

export interface SuitesTarget {
  /** The policies in force, asked for only when generation or --strict needs them. */
  readonly state: () => Promise<ClusterState>;
  /** Set for a live run: what it can probe (outside hosts only in the lab). Unset: offline. */
  readonly live?: LiveAbilities;
}

/** The suites to plan; undefined when --strict found a contradiction (already reported). */
export async function suitesToRun(
  suites: readonly Suite[],
  packs: readonly RecipePack[],
  options: GenerationOptions,
  context: CommandContext,
  target: SuitesTarget,
): Promise<Suite[] | undefined> {
  if (!needsModel(suites, options)) return withRecipeAssertions(suites, packs, target.live);
  const state = await target.state();
  const merged =
    target.live === undefined
      ? applyGeneration(suites, state, options, context, true)
      : // A live run cannot send from an address, and a cluster does not say which outside
        // addresses answer: no generated case comes from or goes to one.
        applyGeneration(suites, state, options, context, false, { outsideHosts: [] });
  if (!merged) return undefined;
  return withRecipeAssertions(merged, packs, target.live);
}
