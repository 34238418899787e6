/** The lab: an embedded cluster on this machine (interface.md §3). */

// The data plane: nodes, pods, outside hosts and policy enforcement from a desired state.
export { DataPlane, LabUnavailable } from './data-plane.js';
export type { DataPlaneOptions } from './data-plane.js';
export { DesiredStateInvalid, POD_IP_ANNOTATION } from './desired-state.js';
export type {
  DesiredExternalHost,
  DesiredNamespace,
  DesiredNode,
  DesiredPod,
  DesiredState,
} from './desired-state.js';
export type { DataPlaneStatus, ExternalHostStatus, NodeStatus, PodStatus } from './data-plane-status.js';

// Teardown by name, also for a lab whose process was killed (`lab down`, `clean`).
export { cleanLeftovers } from './clean-leftovers.js';
export type { CleanOptions, CleanupReport } from './clean-leftovers.js';

// `--cni` modes and the policy compiler.
export { formatCniMode, parseCniMode } from './enforcer/index.js';
export type { CniMode } from './enforcer/index.js';

// The responder (also a prober: `--probe`, `--probe-batch`) and entering lab namespaces.
export { responderBinary } from './responder-binary.js';
export { inNetns } from './netns.js';
export { LabNames, labNameProblem } from './names.js';
