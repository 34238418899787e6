/** Name and namespace of a manifest object (readManifests has checked metadata.name). */
import { valueAt } from './manifest-fields.js';
import type { JsonObject } from './manifest-fields.js';

/** Where `kubectl apply` puts an object that names no namespace. */
export const DEFAULT_NAMESPACE = 'default';

export function objectName(object: JsonObject): string {
  return String(valueAt(object, 'metadata', 'name'));
}

export function objectNamespace(object: JsonObject): string {
  const namespace = valueAt(object, 'metadata', 'namespace');
  return typeof namespace === 'string' && namespace !== '' ? namespace : DEFAULT_NAMESPACE;
}
