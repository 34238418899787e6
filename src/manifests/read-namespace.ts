/** Namespace objects, labelled as the API server labels them. */
import type { Labels, Namespace } from '../policy/index.js';
import { NAMESPACE_NAME_LABEL } from '../shared/index.js';
import type { FieldReader, JsonObject } from './manifest-fields.js';
import { valueAt } from './manifest-fields.js';
import { objectName } from './object-identity.js';

export function readNamespace(object: JsonObject, reader: FieldReader): Namespace {
  const labels = reader.stringMap(valueAt(object, 'metadata', 'labels'), ['metadata', 'labels']);
  return namespaceOf(objectName(object), labels);
}

/** The API server overwrites the name label whatever the manifest says. */
export function namespaceOf(name: string, labels: Labels = {}): Namespace {
  return { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } };
}
