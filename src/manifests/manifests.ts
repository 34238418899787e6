/** Reading Kubernetes manifests from files and folders into positioned objects. */
import { readFile } from 'node:fs/promises';
import type { ManifestError, ManifestObject } from './manifest-object.js';
import { listManifestFiles } from './list-manifest-files.js';
import { parseManifests } from './parse-manifests.js';

export interface ReadManifests {
  readonly objects: ManifestObject[];
  readonly errors: ManifestError[];
}

/** Every object of every file the paths name, in file order then document order. */
export async function readManifests(paths: readonly string[]): Promise<ReadManifests> {
  const { files, errors } = await listManifestFiles(paths);
  const objects: ManifestObject[] = [];
  for (const file of files) {
    const text = await readText(file);
    if (typeof text !== 'string') {
      errors.push({
        code: 'FILE_UNREADABLE',
        message: `cannot read ${file}: ${text.message}`,
        location: { file, line: 1, col: 1 },
      });
      continue;
    }
    const parsed = parseManifests(text, file);
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  return { objects, errors };
}

async function readText(file: string): Promise<string | Error> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
