/**
 * The recipe packs as data: finding, loading and predicting them, offline. `recipes list`,
 * `recipes show` and `predict` import this and not index.ts, whose running of packs loads the
 * Kubernetes client and the lab.
 */
export type { RecipeLoad, RecipePack } from './recipe-pack.js';
export { listRecipeIds, RECIPES_FOLDER, resolveRecipeId } from './recipe-folder.js';
export { loadRecipe } from './load-recipe.js';
export type { LoadRecipeOptions } from './load-recipe.js';
export { predictPack } from './predict-pack.js';
export type { PredictPackOptions } from './predict-pack.js';
export { loadSuiteRecipes, withRecipeAssertions } from './suite-recipes.js';
export type { NamedRecipes } from './suite-recipes.js';
export type { LiveAbilities } from './live-suite.js';
