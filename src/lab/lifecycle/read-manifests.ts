/**
 * `lab up -f` / `lab apply -f` input: anything kubectl accepts goes to the API server as
 * it is; `kind: ExternalHost` (lab.netpol-assert.io/v1) goes to the data plane. Every
 * problem is found before anything is applied.
 */
import { readManifests, stateFromManifests } from '../../manifests/index.js';
import type { ExternalHost, FieldPath, ManifestError, ManifestObject } from '../../manifests/index.js';
import { problemAt } from '../../shared/index.js';
import { desiredStateProblems } from '../data-plane/index.js';
import type { DesiredStateProblemCode } from '../data-plane/index.js';
import type { LabManifestProblem } from './failure.js';

export interface LabManifests {
  /** For the API server, in file order. */
  readonly apiObjects: readonly ManifestObject[];
  readonly externalHosts: readonly ExternalHost[];
  readonly errors: readonly ManifestError[];
  /** The ExternalHost objects as read, for placing the data plane's problems with them. */
  readonly hostObjects: readonly ManifestObject[];
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
    hostObjects,
  };
}

/** The field of an ExternalHost each of the data plane's problems is about; none: the object. */
const FIELD_OF: Readonly<Record<DesiredStateProblemCode, FieldPath>> = {
  DUPLICATE: [],
  BAD_NAME: ['metadata', 'name'],
  BAD_ADDRESS: ['spec', 'address'],
  NOT_DOCUMENTATION_ADDRESS: ['spec', 'address'],
  UNSUPPORTED_FAMILY: ['spec', 'address'],
  BAD_PORT: ['spec', 'ports'],
};

/**
 * Every problem at once: the manifests', then what the data plane would refuse of the
 * outside hosts, each at its field of the ExternalHost object it is about.
 */
export function labManifestProblems(manifests: LabManifests): LabManifestProblem[] {
  const { externalHosts, hostObjects } = manifests;
  const refused = desiredStateProblems({ nodes: [], namespaces: [], pods: [], policies: [], externalHosts });
  const placed = refused.flatMap(({ code, message, host }) => {
    // A duplicate is placed at its second object, the one that repeats the first.
    const objects = hostObjects.filter((m) => host === undefined || nameOf(m) === host);
    const object = code === 'DUPLICATE' ? objects[objects.length - 1] : objects[0];
    if (object === undefined) return [];
    const location = object.locate?.(FIELD_OF[code]) ?? object.location;
    return [problemAt(code, message, location, object.source)];
  });
  return [...manifests.errors, ...placed];
}

function nameOf(manifest: ManifestObject): unknown {
  const metadata = manifest.object.metadata;
  return typeof metadata === 'object' && metadata !== null
    ? (metadata as { name?: unknown }).name
    : undefined;
}
