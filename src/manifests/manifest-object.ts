/** Kubernetes objects as read from manifest files, each with the place it was written. */
import type { Problem, SourceLocation } from '../shared/index.js';

/** A field inside an object: keys and list indices from its root. */
export type FieldPath = readonly (string | number)[];

/** One Kubernetes object as plain JSON, and where its map starts in its file. */
export interface ManifestObject {
  readonly object: Readonly<Record<string, unknown>>;
  readonly location: SourceLocation;
  /** Where a field is written (or the nearest enclosing one that is); absent for objects made in code. */
  readonly locate?: (path: FieldPath) => SourceLocation;
  /** The text of the file it was read from, for the line and caret under a problem. */
  readonly source?: string;
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
  | 'BAD_CLUSTER_POLICY'
  /** A field the kind does not have: the API server refuses it (strict field validation). */
  | 'UNKNOWN_FIELD'
  /** A kind the apiVersion's group does not have, near one it does. */
  | 'UNKNOWN_KIND'
  /** A built-in kind under an apiVersion that does not serve it. */
  | 'BAD_API_VERSION';

/** A problem in a manifest file, printed by src/shared's `formatProblem`. */
export type ManifestError = Problem<ManifestErrorCode>;

/** `spec.containers[0].ports[1].name`: the form kubectl prints field paths in. */
export function formatFieldPath(path: FieldPath): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}
