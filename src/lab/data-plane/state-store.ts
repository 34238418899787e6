/**
 * The data plane's record in a lab's state folder (src/lab/names/paths.ts): what it made,
 * written after every change, so that another process can tear down a lab whose own
 * process was killed. Teardown does not depend on it alone (names and cgroup folders are
 * found by prefix too); it speeds things up and records cgroups outside the usual places.
 */
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labNameProblem, labStateDir } from '../names/index.js';

export interface LabRecord {
  readonly lab: string;
  readonly ownerPid: number;
  readonly createdAt: string;
  readonly cni: string;
  readonly cgroupRoots: readonly string[];
  readonly netns: readonly string[];
  readonly processes: readonly { readonly pid: number; readonly netns: string; readonly what: string }[];
}

export async function writeLabRecord(stateRoot: string, record: LabRecord): Promise<void> {
  const dir = labStateDir(stateRoot, record.lab);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `state.json.${process.pid}.tmp`);
  await writeFile(temporary, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  await rename(temporary, join(dir, 'state.json'));
}

export async function readLabRecord(stateRoot: string, lab: string): Promise<LabRecord | undefined> {
  try {
    const parsed: unknown = JSON.parse(
      await readFile(join(labStateDir(stateRoot, lab), 'state.json'), 'utf8'),
    );
    return isLabRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isLabRecord(value: unknown): value is LabRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.lab === 'string' &&
    Array.isArray(record.cgroupRoots) &&
    record.cgroupRoots.every((root) => typeof root === 'string') &&
    Array.isArray(record.netns)
  );
}

/** Labs with a state folder. */
export async function labsWithState(stateRoot: string): Promise<string[]> {
  const entries = await readdir(stateRoot, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isDirectory() && labNameProblem(entry.name) === undefined)
    .map((entry) => entry.name);
}

export async function removeLabState(stateRoot: string, lab: string): Promise<boolean> {
  const dir = labStateDir(stateRoot, lab);
  const existed = (await readdir(dir).catch(() => undefined)) !== undefined;
  await rm(dir, { recursive: true, force: true });
  // The shared parent goes too once no lab is left in it.
  await rmdir(stateRoot).catch(() => undefined);
  return existed;
}
