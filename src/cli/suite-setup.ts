/**
 * The suites' `setup:` manifests, read once for every suite that names them. `predict`
 * adds their objects to the state it reads (setup-state.ts); `run` applies them around
 * the run (run-setup.ts). Offline: no Kubernetes client here.
 */
import { resolve } from 'node:path';
import { readManifests, stateFromManifests } from '../manifests/index.js';
import type { ExternalHost, ManifestObject } from '../manifests/index.js';
import { formatProblem } from '../shared/index.js';
import type { Suite } from '../suite/index.js';
import type { CommandContext } from './command.js';

/** The lab's own kind: an outside host, made by the lab's data plane, not by an API server. */
const EXTERNAL_HOST_GROUP = 'lab.netpol-assert.io/';

export interface SuiteSetup {
  /** Every setup path the suites name, once each, as absolute paths, in the order first named. */
  readonly files: readonly string[];
  /** What goes to an API server. */
  readonly apiObjects: readonly ManifestObject[];
  /** `kind: ExternalHost` documents: the lab makes them; any other cluster has no use for them. */
  readonly externalHosts: readonly ManifestObject[];
  /** The same, read: what the lab is asked to make. */
  readonly outsideHosts: readonly ExternalHost[];
}

/** The setup files the suites name; undefined after printing every problem in them (exit 2). */
export async function loadSuiteSetup(
  suites: readonly Suite[],
  context: CommandContext,
  leaveOut: (file: string) => boolean = () => false,
): Promise<SuiteSetup | undefined> {
  const named = suites.flatMap((suite) => suite.setup.map((path) => resolve(context.cwd, path)));
  const files = [...new Set(named)].filter((file) => !leaveOut(file));
  if (files.length === 0) return { files, apiObjects: [], externalHosts: [], outsideHosts: [] };
  const read = await readManifests(files);
  const externalHosts = read.objects.filter(isExternalHost);
  const hosts = stateFromManifests(externalHosts);
  const errors = [...read.errors, ...hosts.errors];
  if (errors.length > 0) {
    for (const error of errors) context.stderr.write(`${formatProblem(error)}\n`);
    context.stderr.write(
      `netpol-assert: ${errors.length} problem${errors.length === 1 ? '' : 's'} in the suites' setup manifests; nothing was run\n`,
    );
    return undefined;
  }
  return {
    files,
    apiObjects: read.objects.filter((manifest) => !isExternalHost(manifest)),
    externalHosts,
    outsideHosts: hosts.externalHosts,
  };
}

function isExternalHost(manifest: ManifestObject): boolean {
  const { kind, apiVersion } = manifest.object;
  return (
    kind === 'ExternalHost' && typeof apiVersion === 'string' && apiVersion.startsWith(EXTERNAL_HOST_GROUP)
  );
}

/** An object's identity as the state knows it: kind, namespace (the default one when left out) and name. */
export function objectKey(manifest: ManifestObject): string {
  const metadata = (manifest.object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
  return `${String(manifest.object.kind)} ${namespace}/${String(metadata.name)}`;
}
