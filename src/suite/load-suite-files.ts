/**
 * Suites from disk: files and folders as named on the command line. A folder is read
 * recursively in name order (entries starting with "." are skipped, and so are files
 * that hold only other tools' manifests, such as the ones a suite applies in `setup`).
 * Setup manifests must exist; nothing is applied here.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseSuiteDocuments, type SuiteParse } from './parse-suite-text.js';
import { compareInFile, problemAt, wholeFile } from '../shared/index.js';
import type { SourceLocation, Suite, SuiteError } from './types.js';

export interface LoadOptions {
  /** Relative paths are read from here; errors name them as given. Defaults to the process's cwd. */
  readonly cwd?: string;
}

interface SuiteFile {
  /** As the user will read it in messages: the given path, or the given folder joined with the entry. */
  readonly path: string;
  /** Whether the file was named itself, or found in a folder (which may skip it). */
  readonly named: boolean;
}

const SUITE_EXTENSIONS = /\.ya?ml$/;

export async function loadSuiteFiles(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<SuiteParse> {
  const cwd = options.cwd ?? process.cwd();
  const errors: SuiteError[] = [];
  const suites: Suite[] = [];
  for (const file of await expandPaths(paths, cwd, errors)) {
    let text: string;
    try {
      text = await readFile(resolve(cwd, file.path), 'utf8');
    } catch (error) {
      errors.push(fileError(file.path, `cannot read the file: ${reason(error)}`));
      continue;
    }
    const parsed = parseSuiteDocuments(text, file.path);
    if (parsed.foreign && !file.named) continue;
    const missing = await missingSetup(parsed.setup, cwd, text);
    errors.push(...[...parsed.errors, ...missing].sort(compareInFile));
    suites.push(...parsed.suites);
  }
  return { suites: errors.length === 0 ? suites : [], errors };
}

async function expandPaths(
  paths: readonly string[],
  cwd: string,
  errors: SuiteError[],
): Promise<SuiteFile[]> {
  const files: SuiteFile[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const found = await filesUnder(path, cwd, errors);
    for (const file of found) {
      const real = await realpath(resolve(cwd, file.path)).catch(() => resolve(cwd, file.path));
      if (seen.has(real)) continue;
      seen.add(real);
      files.push(file);
    }
  }
  return files;
}

async function filesUnder(path: string, cwd: string, errors: SuiteError[]): Promise<SuiteFile[]> {
  const info = await stat(resolve(cwd, path)).catch(() => undefined);
  if (info === undefined) {
    errors.push(fileError(path, 'no such file or folder'));
    return [];
  }
  if (!info.isDirectory()) return [{ path, named: true }];
  const found = await walk(path, cwd, new Set());
  if (found.length === 0) errors.push(fileError(path, 'no *.yaml or *.yml files in this folder'));
  return found.map((file) => ({ path: file, named: false }));
}

/** Depth first, entries in plain code-unit order, so every machine runs suites in the same order. */
async function walk(folder: string, cwd: string, visited: Set<string>): Promise<string[]> {
  const real = await realpath(resolve(cwd, folder));
  if (visited.has(real)) return []; // a symlink loop
  visited.add(real);
  const entries = (await readdir(resolve(cwd, folder)))
    .filter((name) => !name.startsWith('.'))
    .sort(byCodeUnits);
  const files: string[] = [];
  for (const name of entries) {
    const path = join(folder, name);
    const info = await stat(resolve(cwd, path)).catch(() => undefined);
    if (info?.isDirectory()) files.push(...(await walk(path, cwd, visited)));
    else if (info?.isFile() && SUITE_EXTENSIONS.test(name)) files.push(path);
  }
  return files;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function missingSetup(
  setup: readonly { path: string; location: SourceLocation }[],
  cwd: string,
  text: string,
): Promise<SuiteError[]> {
  const errors: SuiteError[] = [];
  for (const { path, location } of setup) {
    const exists = await stat(resolve(cwd, path)).then(
      () => true,
      () => false,
    );
    if (!exists)
      errors.push(problemAt('FILE_NOT_FOUND', `setup manifest not found: ${path}`, location, text));
  }
  return errors;
}

function fileError(file: string, message: string): SuiteError {
  return problemAt('FILE_NOT_FOUND', message, wholeFile(file));
}

function reason(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : String(error);
}
