/**
 * A live cluster through its kubeconfig (@kubernetes/client-node), and the objects a run
 * creates there. Loading the client costs about a second: only commands that talk to a
 * cluster import this folder, and they import it when they run. Manifests read offline
 * into a cluster state are src/manifests.
 */
export { ClusterUnavailableError, KubeCluster } from './kube-cluster.js';
export type { KubeClusterOptions } from './kube-cluster.js';
// Before a command changes anything: the kubeconfig checked as it loads, then one request to
// the API server (closed port, untrusted certificate, refused credentials: exit 3 in words).
export { loadKubeconfig, SERVICE_ACCOUNT_TOKEN } from './load-kubeconfig.js';
export type { KubeconfigChoice } from './load-kubeconfig.js';
export { API_SERVER_ANSWER_MS, checkApiServer } from './reach-api-server.js';
// What reading a cluster found worth saying: cluster policies read or not installed, policies not modelled, listings refused.
export { noticeText } from './cluster-notice.js';
export type { ClusterNotice, ClusterWarningCode } from './cluster-notice.js';
export { agentObjects, AGENT_NAME, runPodManifest } from './run-manifests.js';
// What a run may do: the runner's ClusterRole as shipped (agent/manifests/runner-clusterrole.yaml),
// asked of the API server before a run creates anything (exit 3 naming each missing permission).
export { checkRunAccess, reviewAccess } from './access-check.js';
export {
  clusterRoleOf,
  describePermission,
  permissionsOf,
  readClusterRole,
  RUNNER_CLUSTER_ROLE,
} from './run-permissions.js';
export type { ClusterRole, Permission, RoleRule } from './run-permissions.js';
// Objects between the client's models and their wire (JSON) form, as the lab applies and reads them.
export { fromWireObject, toWireObject } from './wire-object.js';
// Pods waiting on an image that cannot be pulled: a run stops at once (exit 3).
export { IMAGE_PULL_FAILURES, imagePullFailures, imagePullProblem } from './image-pull-failure.js';
export type { ImagePullFailure, ImagePullFailureReason } from './image-pull-failure.js';
// Manifests applied as `kubectl apply --server-side` would, and waited for: `lab up -f`, recipe packs, suites' setup.
export { applyObjects, RUN_FIELD_MANAGER, withExplicitProtocols } from './apply-objects.js';
export type { AppliedObject, ApplyOutcome } from './apply-objects.js';
export { waitForPods } from './wait-for-pods.js';
export type { PodScope, WaitForPodsOptions, WaitOutcome } from './wait-for-pods.js';
// A suite's `setup:` around a run: applied and labelled with it, removed after; `clean` finds what a killed run left.
export { removeSetupLeftovers, SetupObjects } from './setup-objects.js';
export type { LeftoversRemoved, SetupApplied, SetupOptions } from './setup-objects.js';
