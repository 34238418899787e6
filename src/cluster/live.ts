/**
 * A live cluster through its kubeconfig (@kubernetes/client-node), and the objects a run
 * creates there. Kept apart from index.ts because loading the client costs about a
 * second: only commands that talk to a cluster import this.
 */
export { ClusterUnavailableError, KubeCluster } from './kube-cluster.js';
export type { KubeClusterOptions } from './kube-cluster.js';
export { agentObjects, AGENT_NAME, runPodManifest } from './run-manifests.js';
export { DEFAULT_AGENT_IMAGE } from './agent-image.js';
// Pods waiting on an image that cannot be pulled: a run stops at once (exit 3).
export { IMAGE_PULL_FAILURES, imagePullFailures, imagePullProblem } from './image-pull-failure.js';
export type { ImagePullFailure, ImagePullFailureReason } from './image-pull-failure.js';
