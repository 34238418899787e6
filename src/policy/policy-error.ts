/**
 * What the API server (or a CRD's schema) would reject in a policy manifest, as data: a
 * closed code, the path of the field and a message. The model knows no files; the
 * manifest reader places each error at its field's file:line:column (code BAD_POLICY or
 * BAD_CLUSTER_POLICY there), and src/shared's formatProblem prints it.
 */

/** From the manifest's root, e.g. `['spec', 'ingress', 0, 'from', 1, 'ipBlock', 'cidr']`. */
export type PolicyPath = readonly (string | number)[];

/** The kind of mistake, whichever field it is in. */
export type PolicyErrorCode =
  /** A field that must be set is absent or empty. */
  | 'MISSING_FIELD'
  /** A value of the wrong kind: a map where a list goes, a number where a string does. */
  | 'BAD_TYPE'
  /** A value of the right kind that the field does not allow. */
  | 'BAD_VALUE'
  /** A field the object's schema does not have. */
  | 'UNKNOWN_FIELD'
  /** Fields that exclude each other, or one that needs another. */
  | 'CONFLICT'
  /** A list with too few or too many items. */
  | 'BAD_COUNT';

export interface PolicyError {
  readonly code: PolicyErrorCode;
  readonly path: PolicyPath;
  readonly message: string;
}

/** How the checks report: one call per mistake, so every mistake is found at once. */
export type ReportPolicyError = (code: PolicyErrorCode, path: PolicyPath, message: string) => void;
