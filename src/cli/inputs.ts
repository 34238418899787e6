/**
 * Reading what the user named: suites and manifests. Every problem is printed, each as
 * file:line:column, code and message with the line and a caret, and the caller gets
 * nothing back, so no run starts on half-valid input.
 */
import { readManifests, stateFromManifests } from '../manifests/index.js';
import type { ExternalHost, ManifestObject } from '../manifests/index.js';
import { clusterPolicyWarnings } from '../policy/index.js';
import type { ClusterPolicyWarning, ClusterState } from '../policy/index.js';
import { formatProblem } from '../shared/index.js';
import { loadSuiteFiles } from '../suite/index.js';
import type { Suite } from '../suite/index.js';
import type { CommandContext } from './command.js';
import { objectKey } from './suite-setup.js';

export async function loadSuites(
  paths: readonly string[],
  context: CommandContext,
): Promise<Suite[] | undefined> {
  const { suites, errors } = await loadSuiteFiles(paths, { cwd: context.cwd });
  if (errors.length > 0) {
    for (const error of errors) context.stderr.write(`${formatProblem(error)}\n`);
    context.stderr.write(
      `netpol-assert: ${plural(errors.length, 'problem')} in the suites; nothing was run\n`,
    );
    return undefined;
  }
  return suites;
}

export interface LoadedState {
  readonly state: ClusterState;
  readonly externalHosts: readonly ExternalHost[];
}

/**
 * The manifests in `paths`, with `more` objects alongside (the recipe packs `predict`
 * runs) and the suites' `setup` objects applied over them (one of the same kind,
 * namespace and name replaces the one in `paths`, as applying it to the cluster would);
 * both may still be loading while the files are read.
 */
export async function loadState(
  paths: readonly string[],
  context: CommandContext,
  more: readonly ManifestObject[] | Promise<readonly ManifestObject[]> = [],
  setup: readonly ManifestObject[] | Promise<readonly ManifestObject[]> = [],
): Promise<LoadedState | undefined> {
  const [read, added, applied] = await Promise.all([
    readManifests(paths.map((p) => resolveFrom(context.cwd, p))),
    more,
    setup,
  ]);
  const replaced = new Set(applied.map(objectKey));
  const objects = [
    ...read.objects.filter((manifest) => !replaced.has(objectKey(manifest))),
    ...added,
    ...applied,
  ];
  const built = read.errors.length === 0 ? stateFromManifests(objects) : undefined;
  const errors = [...read.errors, ...(built?.errors ?? [])];
  if (errors.length > 0 || !built) {
    for (const error of errors) context.stderr.write(`${formatProblem(error)}\n`);
    context.stderr.write(
      `netpol-assert: ${plural(errors.length, 'problem')} in the manifests; nothing was run\n`,
    );
    return undefined;
  }
  for (const warning of clusterPolicyWarnings(built.state))
    context.stderr.write(`${formatModelWarning(warning)}\n`);
  return { state: built.state, externalHosts: built.externalHosts };
}

/** `file:line:col: warning CODE: message`, or without a place when there is none. */
function formatModelWarning(warning: ClusterPolicyWarning): string {
  const where = warning.location;
  const prefix = where === undefined ? 'netpol-assert' : `${where.file}:${where.line}:${where.col}`;
  return `${prefix}: warning ${warning.code}: ${warning.message}`;
}

function resolveFrom(cwd: string, path: string): string {
  return path.startsWith('/') ? path : `${cwd.replace(/\/$/, '')}/${path}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
