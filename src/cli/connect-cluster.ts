/**
 * The one place a command chooses and reaches its cluster, from the options
 * cluster-options.ts declares: `run`, `clean`, `generate --from-cluster` and `recipes run`
 * all come here. Loads the Kubernetes client: only handlers that talk to a cluster import
 * this, and they import it when they run.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../cluster/index.js';
import { labPaths } from '../lab/index.js';
import type { ClusterOptions } from './cluster-options.js';

export interface ConnectedCluster {
  readonly cluster: KubeCluster;
  /** The kubeconfig the cluster was reached with: recipe packs apply their objects through it. */
  readonly kubeConfig: KubeConfig;
  /** The lab's control socket when the choice is the lab: it makes the outside hosts. */
  readonly labSocket?: string;
}

/**
 * `--lab NAME`: the lab, reached exactly like any cluster, through the kubeconfig it wrote.
 * Otherwise kubectl's rules: `--kubeconfig`, else $KUBECONFIG, else ~/.kube/config, and
 * `--context`, else the current one. Throws ClusterUnavailableError (exit 3).
 */
export function connectCluster(options: ClusterOptions): ConnectedCluster {
  if (options.lab !== undefined) {
    const lab = labPaths(options.lab);
    const cluster = KubeCluster.connect({
      kubeconfig: lab.kubeconfig,
      unreadableHint: `is lab '${options.lab}' up? see "netpol-assert lab up"`,
    });
    return { cluster, kubeConfig: cluster.kubeConfig, labSocket: lab.socket };
  }
  const cluster = KubeCluster.connect({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  return { cluster, kubeConfig: cluster.kubeConfig };
}
