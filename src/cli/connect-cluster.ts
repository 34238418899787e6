/**
 * Connecting to the cluster the options chose. Loads the Kubernetes client: only
 * handlers that talk to a cluster import this, and they import it when they run.
 */
import { KubeCluster } from '../cluster/live.js';
import { labPaths } from '../lab/supervisor/lab-paths.js';
import type { ClusterOptions } from './cluster-options.js';

/** The lab is reached exactly like any cluster: through the kubeconfig it wrote. */
export function connectCluster(options: ClusterOptions): KubeCluster {
  if (options.lab !== undefined) return KubeCluster.connect({ kubeconfig: labPaths(options.lab).kubeconfig });
  return KubeCluster.connect({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
}
