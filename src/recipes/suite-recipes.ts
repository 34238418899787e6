/**
 * The suite key `recipes: [ID...]`: the packs a suite names, loaded once for the run
 * however many suites name them, and their assertions merged into each suite that does.
 */
import { problemAt } from '../shared/index.js';
import type { Suite } from '../suite/index.js';
import { liveSuite } from './live-suite.js';
import type { LiveAbilities } from './live-suite.js';
import { loadRecipe } from './load-recipe.js';
import type { LoadRecipeOptions } from './load-recipe.js';
import { listRecipeIds, resolveRecipeId } from './recipe-folder.js';
import type { RecipePack, RecipeProblem } from './recipe-pack.js';

export type NamedRecipes =
  | { readonly ok: true; readonly packs: readonly RecipePack[] }
  | { readonly ok: false; readonly problems: readonly RecipeProblem[] };

/** Every pack the suites name (`02`, `02a-allow-...`), or every problem: unknown ids by suite. */
export async function loadSuiteRecipes(
  suites: readonly Suite[],
  options: LoadRecipeOptions = {},
): Promise<NamedRecipes> {
  const named = suites.flatMap((suite) => suite.recipes.map((name) => ({ suite, name })));
  if (named.length === 0) return { ok: true, packs: [] };
  const known = await listRecipeIds(options.folder);
  const problems = named
    .filter(({ name }) => resolveRecipeId(name, known) === undefined)
    .map(({ suite, name }) =>
      problemAt(
        'UNKNOWN_RECIPE',
        `suite ${suite.name} names recipe '${name}', which is not a pack; "netpol-assert recipes list" names them`,
        suite.location,
      ),
    );
  if (problems.length > 0) return { ok: false, problems };
  const ids = [...new Set(named.map(({ name }) => resolveRecipeId(name, known) ?? name))];
  const loads = await Promise.all(ids.map((id) => loadRecipe(id, options)));
  const failed = loads.flatMap((load) => (load.ok ? [] : load.problems));
  if (failed.length > 0) return { ok: false, problems: failed };
  return { ok: true, packs: loads.flatMap((load) => (load.ok ? [load.pack] : [])) };
}

/**
 * Each suite with the assertions of the packs it names appended: as a live run can probe
 * them, or without `abilities` (offline, `predict`) every one as the pack states it.
 */
export function withRecipeAssertions(
  suites: readonly Suite[],
  packs: readonly RecipePack[],
  abilities?: LiveAbilities,
): Suite[] {
  if (packs.length === 0) return [...suites];
  const assertionsOf = (pack: RecipePack): Suite['assertions'] =>
    abilities === undefined ? pack.suite.assertions : liveSuite(pack, abilities).assertions;
  return suites.map((suite) => {
    const named = suite.recipes.map((name) => packs.find((pack) => resolveRecipeId(name, [pack.id]) === pack.id));
    const added = named.flatMap((pack) => (pack === undefined ? [] : assertionsOf(pack)));
    return added.length === 0 ? suite : { ...suite, assertions: [...suite.assertions, ...added] };
  });
}
