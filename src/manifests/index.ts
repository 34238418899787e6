/**
 * The cluster that manifests describe, offline: reading manifest files into a
 * ClusterState. Nothing here loads the Kubernetes client, so `predict`, `explain` and
 * `generate --state` start quickly; a live cluster is src/cluster.
 */

// Reading manifest files into positioned objects, and their errors (src/shared's Problem,
// printed by its formatProblem).
export { readManifests } from './manifests.js';
export type { ReadManifests } from './manifests.js';
export { parseManifests } from './parse-manifests.js';
export type { ParsedManifests } from './parse-manifests.js';
export { formatFieldPath } from './manifest-object.js';
export type { FieldPath, ManifestError, ManifestErrorCode, ManifestObject } from './manifest-object.js';

// The cluster state that manifests describe, with the lab's outside hosts.
export { stateFromManifests } from './state-from-manifests.js';
export type { StateFromManifests, StateOptions } from './state-from-manifests.js';
export type { ExternalHost } from './external-host.js';
export { HOSTNAME_LABEL } from './read-node.js';
export { PINNED_IP_ANNOTATION } from './pod-template.js';

// Stable synthetic addresses, shared with the lab.
export { allocateStableAddresses, NODE_POOL, POD_POOL } from './synthetic-ip.js';
export type { AddressPool, Allocation } from './synthetic-ip.js';
