/**
 * The lab's data plane: nodes, pods and outside hosts as network namespaces on a private
 * fabric, their responders and cgroups, and policy enforcement (src/lab/enforcer), made
 * to match a desired state; and teardown by name, also after the lab's process died.
 */

// The data plane and what it is asked for.
export { DataPlane } from './data-plane.js';
export type { DataPlaneOptions } from './data-plane.js';
export { LabUnavailable } from './prerequisites.js';
export { DesiredStateInvalid, desiredStateProblems, POD_IP_ANNOTATION } from './desired-state.js';
export type {
  DesiredExternalHost,
  DesiredNamespace,
  DesiredNode,
  DesiredPod,
  DesiredState,
  DesiredStateProblem,
  DesiredStateProblemCode,
} from './desired-state.js';
// What it made of it, for the control plane to report back.
export type { DataPlaneStatus, ExternalHostStatus, NodeStatus, PodStatus } from './status.js';

// Teardown by name, also for a lab whose process was killed (`lab down`).
export { cleanLeftovers } from './clean-leftovers.js';
export type { CleanOptions, CleanupReport } from './clean-leftovers.js';

// Its record in the lab's state folder (what it made, for teardown after a crash).
export { readLabRecord } from './state-store.js';
export type { LabRecord } from './state-store.js';
