/** kube-controller-manager's command line: no serving ports, no leader election, the lab's keys. */
import type { LabPki } from './lab-pki.js';

export interface ControllerManagerConfig {
  readonly pki: LabPki;
  readonly kubeconfig: string;
  readonly serviceClusterIpRange: string;
}

export function controllerManagerArgs(config: ControllerManagerConfig): string[] {
  const { pki } = config;
  return [
    `--kubeconfig=${config.kubeconfig}`,
    // 1.20 serves on 0.0.0.0:10252 (plain) and :10257 unless told not to; the lab serves nothing here.
    '--port=0',
    '--secure-port=0',
    '--leader-elect=false',
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    '--use-service-account-credentials=true',
    `--cluster-signing-cert-file=${pki.caCert}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    `--service-cluster-ip-range=${config.serviceClusterIpRange}`,
    '--profiling=false',
  ];
}
