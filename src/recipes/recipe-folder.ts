/**
 * Where the packs live (`recipes/<id>/` beside `src/`, copied beside `dist/src/` by the
 * build) and how a user names one: by its full id, or by its number (`07`, `02a`).
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { recipeNumber } from './pack-naming.js';

export const RECIPES_FOLDER = fileURLToPath(new URL('../../recipes/', import.meta.url));

const PACK_FOLDER = /^\d{2}[a-z]?-[a-z0-9-]+$/;

/** Every pack's id, in recipe order (`02` before `02a` before `03`). */
export async function listRecipeIds(folder: string = RECIPES_FOLDER): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && PACK_FOLDER.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** The pack an argument names, or undefined: `07`, `07-allow-...` and `02a` all work. */
export function resolveRecipeId(argument: string, ids: readonly string[]): string | undefined {
  if (ids.includes(argument)) return argument;
  return ids.find((id) => recipeNumber(id) === argument);
}
