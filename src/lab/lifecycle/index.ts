// The `lab` commands' operations: up, apply, status, down.
export { labUp } from './lab-up.js';
export type { LabUp, LabUpOptions } from './lab-up.js';
export { labApply } from './lab-apply.js';
export type { LabApplyOptions } from './lab-apply.js';
export type { Applied } from './apply-to-lab.js';
export { labStatus, renderLabStatus } from './lab-status.js';
export type { LabStatus } from './lab-status.js';
export { labDown } from './lab-down.js';
export type { LabDownOptions, LabDownReport } from './lab-down.js';
export type { LabFailure, Progress } from './lab-failure.js';
// Manifests for a lab: API objects and outside hosts.
export { EXTERNAL_HOST_API_GROUP, isExternalHost, readLabManifests } from './read-lab-manifests.js';
export type { LabManifests } from './read-lab-manifests.js';
export { applyObjects, LAB_FIELD_MANAGER } from './apply-objects.js';
