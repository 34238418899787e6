/**
 * `lab up -f` / `lab apply -f` input: anything kubectl accepts goes to the API server as
 * it is; `kind: ExternalHost` (lab.netpol-assert.io/v1) goes to the data plane. Every
 * problem is found before anything is applied.
 */
import { readManifests, stateFromManifests } from '../../cluster/index.js';
import type { ExternalHost, ManifestError, ManifestObject } from '../../cluster/index.js';

export interface LabManifests {
  /** For the API server, in file order. */
  readonly apiObjects: readonly ManifestObject[];
  readonly externalHosts: readonly ExternalHost[];
  readonly errors: readonly ManifestError[];
}

export const EXTERNAL_HOST_API_GROUP = 'lab.netpol-assert.io';

export function isExternalHost(object: Readonly<Record<string, unknown>>): boolean {
  return (
    object.kind === 'ExternalHost' &&
    typeof object.apiVersion === 'string' &&
    object.apiVersion.startsWith(`${EXTERNAL_HOST_API_GROUP}/`)
  );
}

export async function readLabManifests(paths: readonly string[]): Promise<LabManifests> {
  const read = await readManifests(paths);
  const hostObjects = read.objects.filter((manifest) => isExternalHost(manifest.object));
  const hosts = stateFromManifests(hostObjects);
  return {
    apiObjects: read.objects.filter((manifest) => !isExternalHost(manifest.object)),
    externalHosts: hosts.externalHosts,
    errors: [...read.errors, ...hosts.errors],
  };
}
