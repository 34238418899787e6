/**
 * What a payload is built from, as one hash: the agent's TypeScript (agent/**\/*.ts), the
 * C helper (agent/native/*.c), the package version embedded in the bundle, and, in a
 * checkout, the builder and the lock file (the bundled execa). Any change to
 * them makes a payload stale.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface PayloadSources {
  readonly version: string;
  /** sha256 over every source's path and content, in path order. */
  readonly hash: string;
  /** Paths relative to the package root, sorted. */
  readonly files: readonly string[];
}

const EXTRA_FILES = ['src/agent-payload/build-payload.ts', 'package-lock.json'];

export async function payloadSources(root: string, version: string): Promise<PayloadSources> {
  const agent = await listFiles(root, 'agent');
  const files = [
    ...agent.filter((file) => file.endsWith('.ts') || /^agent\/native\/[^/]+\.c$/.test(file)),
    ...EXTRA_FILES,
  ].sort();
  const hash = createHash('sha256').update(`version ${version}\n`);
  const present: string[] = [];
  for (const file of files) {
    const content = await readFile(join(root, file)).catch(() => undefined);
    if (content === undefined) continue;
    present.push(file);
    hash.update(`${file} ${content.length}\n`).update(content);
  }
  return { version, hash: hash.digest('hex'), files: present };
}

async function listFiles(root: string, folder: string): Promise<string[]> {
  const entries = await readdir(join(root, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}
