/** kube-scheduler's command line: no serving ports, no leader election. */
export interface SchedulerConfig {
  readonly kubeconfig: string;
}

export function schedulerArgs(config: SchedulerConfig): string[] {
  return [
    `--kubeconfig=${config.kubeconfig}`,
    // 1.20 serves on 0.0.0.0:10251 (plain) and :10259 unless told not to; the lab serves nothing here.
    '--port=0',
    '--secure-port=0',
    '--leader-elect=false',
    '--profiling=false',
  ];
}
