/** kube-scheduler's command line: no serving ports, no leader election. */
import { hasInsecurePortFlags } from './kubernetes-version.js';
import type { KubernetesVersion } from './kubernetes-version.js';

export interface SchedulerConfig {
  readonly kubeconfig: string;
}

export function schedulerArgs(config: SchedulerConfig, version: KubernetesVersion): string[] {
  return [
    `--kubeconfig=${config.kubeconfig}`,
    // It serves on 0.0.0.0:10259 (and before 1.24 on :10251, plain) unless told not to; the lab serves nothing here.
    ...(hasInsecurePortFlags(version) ? ['--port=0'] : []),
    '--secure-port=0',
    '--leader-elect=false',
    '--profiling=false',
  ];
}
