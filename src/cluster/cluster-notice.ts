/**
 * What reading a live cluster has to tell, beside the state itself: which policy APIs it
 * serves, policies the model cannot evaluate there, and listings it was refused. The
 * command line prints them; a run goes on.
 */
import type { ClusterPolicyWarning } from '../policy/index.js';

export type ClusterWarningCode =
  | ClusterPolicyWarning['code']
  /** A policy listing failed (403 Forbidden, an aggregated API that is down): its policies are unknown. */
  | 'POLICIES_NOT_READ'
  /** A cluster policy the API server stored but the model rejects: it is not modelled. */
  | 'BAD_CLUSTER_POLICY'
  /** The API server would not say what the run's user may do (discovery or the review refused): not checked before the run. */
  | 'ACCESS_NOT_CHECKED';

export type ClusterNotice =
  | { readonly kind: 'note'; readonly message: string }
  | { readonly kind: 'warning'; readonly code: ClusterWarningCode; readonly message: string };

/** `warning CODE: message` for a warning, the message for a note: the line after the program's name. */
export function noticeText(notice: ClusterNotice): string {
  return notice.kind === 'warning' ? `warning ${notice.code}: ${notice.message}` : notice.message;
}
