/** The Network Policy Recipes as regression packs: finding, loading and running them. */

// A pack and where packs live.
export type { RecipeLoad, RecipePack, RecipeProblem, RecipeProblemCode } from './recipe-pack.js';
export { listRecipeIds, RECIPES_FOLDER, resolveRecipeId } from './recipe-folder.js';

// Loading one, mapped into namespaces of its own.
export { loadRecipe } from './load-recipe.js';
export type { LoadRecipeOptions } from './load-recipe.js';
export { PACK_PREFIX, packNaming, recipeNumber } from './pack-naming.js';
export type { PackNaming } from './pack-naming.js';

// Offline: a pack's suite against the model of its own manifests.
export { predictPack } from './predict-pack.js';
export type { PredictPackOptions } from './predict-pack.js';

// Live: packs applied in a cluster, run, and removed; N times over for the matrix.
export { newRunToken, runPacks, withPacksApplied } from './run-packs.js';
export type { ApplyPacksOptions, PackRun, PackTarget } from './run-packs.js';
export { runRecipes } from './run-recipes.js';
export type { RecipesRun, RunRecipesOptions } from './run-recipes.js';
export { liveSuite, OUTSIDE_SOURCE_SKIP } from './live-suite.js';
export type { LiveAbilities } from './live-suite.js';
export { RECIPE_LABEL } from './pack-objects.js';

// The suite key `recipes: [ID...]`: packs merged into the suites that name them.
export { loadSuiteRecipes, withRecipeAssertions } from './suite-recipes.js';
export type { NamedRecipes } from './suite-recipes.js';

// The seed study's ✓/❌/~ table.
export { allPassed, cellOf, matrixOf, renderMatrix, summaryOf } from './outcome-matrix.js';
export type { Cell, MatrixRow, OutcomeMatrix } from './outcome-matrix.js';
