/**
 * `recipes run --repeat N`: the packs N times over, each time in namespaces of a fresh
 * run token (a deleted namespace takes a while to go, and the next run must not meet
 * it), then a bounded wait until every namespace made is gone.
 */
import type { LiveRunOptions } from '../probe/index.js';
import type { RunResult } from '../run/index.js';
import { formatProblem } from '../shared/index.js';
import { loadRecipe } from './load-recipe.js';
import type { LoadRecipeOptions } from './load-recipe.js';
import { waitUntilGone } from './pack-objects.js';
import type { RecipePack } from './recipe-pack.js';
import { newRunToken, runPacks } from './run-packs.js';
import type { PackTarget } from './run-packs.js';

export interface RunRecipesOptions {
  readonly repeat: number;
  /** Where the packs are; the packaged `recipes/` by default. */
  readonly folder?: string;
  /** Bound on the wait for the namespaces to be gone, at the end. */
  readonly goneTimeoutMs: number;
  /** Told after each run, with its number from 1. */
  readonly onRun?: (run: number, result: RunResult) => void;
}

export interface RecipesRun {
  readonly results: readonly RunResult[];
  /** Namespaces still terminating when the wait ended. */
  readonly lingering: readonly string[];
}

export async function runRecipes(
  ids: readonly string[],
  target: PackTarget,
  live: LiveRunOptions,
  options: RunRecipesOptions,
  signal?: AbortSignal,
): Promise<RecipesRun> {
  const results: RunResult[] = [];
  const made: string[] = [];
  let lingering: string[] = [];
  try {
    for (let run = 1; run <= options.repeat; run++) {
      const token = newRunToken();
      const packs = await loadPacks(ids, {
        run: token,
        ...(options.folder ? { folder: options.folder } : {}),
      });
      const outcome = await runPacks(packs, token, target, live, signal).finally(() =>
        made.push(...packs.flatMap((pack) => [...pack.namespaces.values()])),
      );
      results.push(outcome.result);
      options.onRun?.(run, outcome.result);
    }
  } finally {
    lingering = await waitUntilGone(target.kubeConfig, made, options.goneTimeoutMs);
  }
  return { results, lingering };
}

/** Packs the caller has already loaded once without a token, so a problem here is a bug. */
async function loadPacks(ids: readonly string[], options: LoadRecipeOptions): Promise<RecipePack[]> {
  const loads = await Promise.all(ids.map((id) => loadRecipe(id, options)));
  return loads.map((load, index) => {
    if (!load.ok)
      throw new Error(`recipe ${ids[index]} did not load:\n${load.problems.map(formatProblem).join('\n')}`);
    return load.pack;
  });
}
