/**
 * Reading what the user named: suites and manifests. Every problem is printed, one per
 * line with file:line:column, and the caller gets nothing back, so no run starts on
 * half-valid input.
 */
import { readManifests, stateFromManifests, formatManifestError } from '../cluster/index.js';
import type { ExternalHost } from '../cluster/index.js';
import { clusterPolicyWarnings } from '../policy/index.js';
import type { ClusterPolicyWarning, ClusterState } from '../policy/index.js';
import { formatSuiteError, loadSuiteFiles } from '../suite/index.js';
import type { Suite } from '../suite/index.js';
import type { CommandContext } from './command.js';

export async function loadSuites(
  paths: readonly string[],
  context: CommandContext,
): Promise<Suite[] | undefined> {
  const { suites, errors } = await loadSuiteFiles(paths, { cwd: context.cwd });
  if (errors.length > 0) {
    for (const error of errors) context.stderr.write(`${formatSuiteError(error)}\n`);
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

export async function loadState(
  paths: readonly string[],
  context: CommandContext,
): Promise<LoadedState | undefined> {
  const read = await readManifests(paths.map((p) => resolveFrom(context.cwd, p)));
  const built = read.errors.length === 0 ? stateFromManifests(read.objects) : undefined;
  const errors = [...read.errors, ...(built?.errors ?? [])];
  if (errors.length > 0 || !built) {
    for (const error of errors) context.stderr.write(`${formatManifestError(error)}\n`);
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
