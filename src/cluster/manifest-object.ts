/** Kubernetes objects as read from manifest files, each with the place it was written. */
import type { SourceLocation } from '../suite/types.js';

/** A field inside an object: keys and list indices from its root. */
export type FieldPath = readonly (string | number)[];

/** One Kubernetes object as plain JSON, and where its map starts in its file. */
export interface ManifestObject {
  readonly object: Readonly<Record<string, unknown>>;
  readonly location: SourceLocation;
  /** Where a field is written (or the nearest enclosing one that is); absent for objects made in code. */
  readonly locate?: (path: FieldPath) => SourceLocation;
}

/** Every problem manifests can have; a closed set so callers and tests can match on it. */
export type ManifestErrorCode =
  | 'FILE_NOT_FOUND'
  | 'FILE_UNREADABLE'
  | 'YAML_SYNTAX'
  | 'NOT_AN_OBJECT'
  | 'MISSING_FIELD'
  | 'BAD_VALUE'
  | 'DUPLICATE'
  | 'BAD_POLICY'
  | 'BAD_CLUSTER_POLICY';

export interface ManifestError {
  readonly code: ManifestErrorCode;
  readonly message: string;
  readonly location: SourceLocation;
}

/** `file:line:col: message`, the form terminals and editors link to. */
export function formatManifestError(error: ManifestError): string {
  const { file, line, col } = error.location;
  return `${file}:${line}:${col}: ${error.message}`;
}

/** `spec.containers[0].ports[1].name`: the form kubectl prints field paths in. */
export function formatFieldPath(path: FieldPath): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}
