/**
 * What the emulated kubelet needs from the lab's data plane: make the machine match the
 * desired nodes, namespaces, pods, outside hosts and policies, and say what it made
 * (addresses, network namespaces, container ids, or why a pod could not be made).
 * src/lab's DataPlane implements it; tests may use an in-memory one.
 */
import type { DataPlaneStatus, DesiredState } from '../data-plane/index.js';

export interface PodNetwork {
  apply(desired: DesiredState): Promise<DataPlaneStatus>;
}

export type {
  DataPlaneStatus,
  DesiredExternalHost,
  DesiredPod,
  DesiredState,
  NodeStatus,
  PodStatus,
} from '../data-plane/index.js';
