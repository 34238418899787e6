// Finding the binaries (etcd, kube-apiserver, and the optional controller manager and scheduler).
export {
  binarySearchPath,
  findLabBinaries,
  LAB_KUBERNETES_VERSION,
  LabBinariesMissingError,
} from './find-binaries.js';
export type { FindBinariesOptions, LabBinaries } from './find-binaries.js';
// The cache `npm run setup:lab` fills: which versions, where.
export {
  binaryCacheDir,
  CACHED_KUBERNETES_VERSIONS,
  cacheRoot,
  DEBIAN_KUBERNETES_VERSION,
  isCompleteBinaryCache,
  KUBERNETES_BINARY_NAMES,
  RELEASE_KUBERNETES_VERSION,
} from './binary-cache.js';
export type { CachedKubernetesVersion, KubernetesBinaryName } from './binary-cache.js';
// Which Kubernetes runs, and what follows from its version.
export {
  hasInsecurePortFlags,
  isAtLeast,
  labelsNamespaceNames,
  parseKubernetesVersion,
  servesEndPort,
} from './kubernetes-version.js';
export type { KubernetesVersion } from './kubernetes-version.js';
export { binaryVersion, serverVersion } from './ask-version.js';
// Starting the control plane: certificates, processes, readiness.
export { controlPlanePaths, startControlPlane } from './start-control-plane.js';
export type { ControlPlane, ControlPlaneOptions, ControlPlanePorts } from './start-control-plane.js';
export type { ComponentExit, RunningComponent } from './component-process.js';
export { openLogFile } from './log-file.js';
export type { LogFile } from './log-file.js';
export { createLabPki, createUserCertificate, labCaFiles } from './pki.js';
export { writeKubeconfig } from './kubeconfig.js';
export type { KubeconfigRequest } from './kubeconfig.js';
export type { CertificateFiles, LabPki } from './pki.js';
export { kubernetesServiceIp, LAB_SERVICE_CLUSTER_IP_RANGE } from './service-range.js';
// Command lines, for tests and for anyone who wants to see what runs.
export { apiserverArgs } from './apiserver-args.js';
export type { ApiserverConfig } from './apiserver-args.js';
export { etcdArgs } from './etcd-args.js';
export { controllerManagerArgs } from './controller-manager-args.js';
export { schedulerArgs } from './scheduler-args.js';
// The policy.networking.k8s.io CRDs the lab serves.
export {
  CLUSTER_POLICY_API_GROUP,
  CLUSTER_POLICY_CRDS,
  installClusterPolicyCrds,
} from './cluster-policy-crds.js';
// Talking to the lab's API server from inside the lab.
export { apiStatusCode, labKubeConfig, mergePatch, startInformer } from './client.js';
export type { InformerHandlers, RunningInformer } from './client.js';
// The controller that gives namespaces of servers before 1.21 their `kubernetes.io/metadata.name` label.
export { lacksNameLabel, startNamespaceNameLabeler } from './namespace-name-labeler.js';
export type { NamespaceNameLabeler } from './namespace-name-labeler.js';
