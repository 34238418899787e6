/**
 * The cluster packs go to, chosen as every command chooses one (kubectl's rules, or the
 * lab by name), with what packs need beyond probing: the kubeconfig, to apply objects,
 * and for the lab its control socket, to make outside hosts.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterUnavailableError, KubeCluster } from '../cluster/live.js';
import { labPaths } from '../lab/supervisor/index.js';
import type { PackTarget } from './run-packs.js';

export interface TargetChoice {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly lab?: string;
}

export function packTargetFor(choice: TargetChoice): PackTarget {
  const kubeConfig = new KubeConfig();
  const lab = choice.lab === undefined ? undefined : labPaths(choice.lab);
  try {
    if (lab !== undefined) kubeConfig.loadFromFile(lab.kubeconfig);
    else if (choice.kubeconfig !== undefined) kubeConfig.loadFromFile(choice.kubeconfig);
    else kubeConfig.loadFromDefault();
    if (choice.context !== undefined) kubeConfig.setCurrentContext(choice.context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = lab === undefined ? '' : ` (is lab '${choice.lab}' up? see "netpol-assert lab up")`;
    throw new ClusterUnavailableError(`cannot load the kubeconfig${hint}: ${message}`, { cause: error });
  }
  if (!kubeConfig.getCurrentCluster())
    throw new ClusterUnavailableError('the kubeconfig names no current cluster; pass --kubeconfig or --context');
  return {
    cluster: new KubeCluster(kubeConfig),
    kubeConfig,
    ...(lab === undefined ? {} : { labSocket: lab.socket }),
  };
}
