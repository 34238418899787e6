/** kube-controller-manager's command line: no serving ports, no leader election, the lab's keys. */
import { hasInsecurePortFlags } from './kubernetes-version.js';
import type { KubernetesVersion } from './kubernetes-version.js';
import type { LabPki } from './pki.js';

export interface ControllerManagerConfig {
  readonly pki: LabPki;
  readonly kubeconfig: string;
  readonly serviceClusterIpRange: string;
}

export function controllerManagerArgs(config: ControllerManagerConfig, version: KubernetesVersion): string[] {
  const { pki } = config;
  return [
    `--kubeconfig=${config.kubeconfig}`,
    // It serves on 0.0.0.0:10257 (and before 1.24 on :10252, plain) unless told not to; the lab serves nothing here.
    ...(hasInsecurePortFlags(version) ? ['--port=0'] : []),
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
