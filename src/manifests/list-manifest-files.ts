/**
 * Which files a list of paths means: a file as given (whatever its name, as `kubectl -f`),
 * a folder as its *.yaml, *.yml and *.json files, recursively, in name order.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestError } from './manifest-object.js';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface ManifestFiles {
  readonly files: string[];
  readonly errors: ManifestError[];
}

export async function listManifestFiles(paths: readonly string[]): Promise<ManifestFiles> {
  const result: ManifestFiles = { files: [], errors: [] };
  for (const path of paths) {
    const kind = await pathKind(path);
    if (kind === 'file') result.files.push(path);
    else if (kind === 'folder') result.files.push(...(await filesUnder(path)));
    else {
      const message = `no such file or folder: ${path}`;
      result.errors.push({ code: 'FILE_NOT_FOUND', message, location: { file: path, line: 1, col: 1 } });
    }
  }
  return result;
}

async function pathKind(path: string): Promise<'file' | 'folder' | 'missing'> {
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) return 'folder';
    return stats.isFile() ? 'file' : 'missing';
  } catch {
    return 'missing';
  }
}

async function filesUnder(folder: string): Promise<string[]> {
  // Code-unit order, not the locale's, so every machine reads the same order.
  const names = (await readdir(folder)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: string[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const kind = await pathKind(path);
    if (kind === 'folder') files.push(...(await filesUnder(path)));
    else if (kind === 'file' && MANIFEST_EXTENSIONS.some((extension) => name.endsWith(extension)))
      files.push(path);
  }
  return files;
}
