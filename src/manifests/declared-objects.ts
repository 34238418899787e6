/**
 * The manifest objects the state is built from, by kind, each once: a second object of
 * the same kind, namespace and name is an error (which one should win would depend on
 * file order), and objects of other kinds are left out without a word.
 */
import { problemAt } from '../shared/index.js';
import type { ManifestError, ManifestObject } from './manifest-object.js';
import { stateKindOf } from './manifest-kinds.js';
import type { StateKind } from './manifest-kinds.js';
import { objectName, objectNamespace } from './object-identity.js';

export type DeclaredObjects = ReadonlyMap<StateKind, readonly ManifestObject[]>;

const CLUSTER_SCOPED: ReadonlySet<StateKind> = new Set([
  'Namespace',
  'Node',
  'ExternalHost',
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
]);

export function declaredObjects(
  objects: readonly ManifestObject[],
  errors: ManifestError[],
): DeclaredObjects {
  const byKind = new Map<StateKind, ManifestObject[]>();
  const firstSeen = new Map<string, ManifestObject>();
  for (const manifest of objects) {
    const kind = stateKindOf(manifest.object);
    if (kind === undefined) continue;
    const id = objectId(kind, manifest);
    const first = firstSeen.get(id);
    if (first !== undefined) {
      const { file, line, col } = first.location;
      const message = `${id} is declared twice; the first is at ${file}:${line}:${col}`;
      errors.push(problemAt('DUPLICATE', message, manifest.location, manifest.source));
      continue;
    }
    firstSeen.set(id, manifest);
    const ofKind = byKind.get(kind) ?? [];
    ofKind.push(manifest);
    byKind.set(kind, ofKind);
  }
  return byKind;
}

function objectId(kind: StateKind, manifest: ManifestObject): string {
  const name = objectName(manifest.object);
  return CLUSTER_SCOPED.has(kind) ? `${kind} ${name}` : `${kind} ${objectNamespace(manifest.object)}/${name}`;
}
