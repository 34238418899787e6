// The `lab` commands' operations: up, apply, status, a least-privilege kubeconfig, down.
export { labUp } from './up.js';
export type { LabUp, LabUpOptions } from './up.js';
export { labApply } from './apply.js';
export type { LabApplyOptions } from './apply.js';
export type { Applied } from './apply-to-lab.js';
export { labStatus } from './status.js';
export { renderLabStatus } from './render-status.js';
export type { LabStatus, LabStatusOptions } from './status.js';
export { labUserKubeconfig } from './user-kubeconfig.js';
export type { LabUser, LabUserOptions } from './user-kubeconfig.js';
export { labDown } from './down.js';
export type { LabDownOptions, LabDownReport } from './down.js';
export type { LabFailure, LabManifestProblem, LabManifestProblemCode, Progress } from './failure.js';
// Manifests for a lab: API objects and outside hosts.
export {
  EXTERNAL_HOST_API_GROUP,
  isExternalHost,
  labManifestProblems,
  readLabManifests,
} from './read-manifests.js';
export type { LabManifests } from './read-manifests.js';
export { LAB_FIELD_MANAGER } from './apply-to-lab.js';
export type { AppliedObject, ApplyOutcome } from '../../cluster/index.js';
