import type { ManifestErrorCode } from '../../manifests/index.js';
import type { Problem } from '../../shared/index.js';
import { labNameProblem } from '../names/index.js';
import type { LabPaths } from '../names/index.js';
import { isRunning, readSupervisorRecord } from '../supervisor/index.js';
import type { SupervisorRecord } from '../supervisor/index.js';
import type { DesiredStateProblemCode } from '../data-plane/index.js';

/**
 * What can be wrong with the manifests of `lab up -f` / `lab apply -f`: what the manifest
 * reader finds, what the data plane refuses of an outside host, and what the API server
 * refuses (REFUSED); each at its object, in src/shared's one shape.
 */
export type LabManifestProblemCode = ManifestErrorCode | DesiredStateProblemCode | 'REFUSED';
export type LabManifestProblem = Problem<LabManifestProblemCode>;

/**
 * How a lab command fails: bad flags or manifests (exit code 2) or a lab that cannot be
 * used (exit code 3).
 */
export type LabFailure =
  | { readonly ok: false; readonly kind: 'bad-input'; readonly problems: readonly string[] }
  | { readonly ok: false; readonly kind: 'bad-manifests'; readonly problems: readonly LabManifestProblem[] }
  | { readonly ok: false; readonly kind: 'unavailable'; readonly message: string };

/** Flags that are wrong (`--name`, `--cni`, `--nodes`): they have no place in a file. */
export function badInput(problems: readonly string[]): LabFailure {
  return { ok: false, kind: 'bad-input', problems };
}

export function badManifests(problems: readonly LabManifestProblem[]): LabFailure {
  return { ok: false, kind: 'bad-manifests', problems };
}

export function unavailable(message: string): LabFailure {
  return { ok: false, kind: 'unavailable', message };
}

/** Network namespaces, nftables and cgroups need root; say so before trying. */
export function rootProblem(): LabFailure | undefined {
  return process.getuid?.() === 0
    ? undefined
    : unavailable('the lab needs root (network namespaces, nftables, cgroups)');
}

/** A lab name is 1-12 lowercase letters or digits (it prefixes every name the lab makes). */
export function nameProblem(lab: string): LabFailure | undefined {
  const problem = labNameProblem(lab);
  return problem === undefined ? undefined : badInput([problem]);
}

/** A lab that is up, its supervisor alive and its phase `ready`: what apply, status and kubeconfig need. */
export interface ReadyLab {
  readonly ok: true;
  readonly record: SupervisorRecord;
}

/** The lab's record when it is up and ready; otherwise why not, and what to do about it. */
export async function readyLab(lab: string, paths: LabPaths): Promise<ReadyLab | LabFailure> {
  const record = await readSupervisorRecord(paths);
  if (record === undefined)
    return unavailable(`no lab '${lab}' is up; start one with 'netpol-assert lab up'`);
  const again = `run 'netpol-assert lab down' and up again`;
  if (!(await isRunning(record.supervisor)))
    return unavailable(`lab '${lab}' is not running (its supervisor is gone); ${again}`);
  if (record.phase !== 'ready') return unavailable(`lab '${lab}' is not ready (${record.phase}); ${again}`);
  return { ok: true, record };
}

/** Progress for a person, on stderr: the command's result goes to stdout. */
export type Progress = (message: string) => void;
