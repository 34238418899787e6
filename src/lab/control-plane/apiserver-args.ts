/**
 * kube-apiserver's command line for the lab: secure port on 127.0.0.1 only, the lab's
 * certificates, Node+RBAC authorization, and a kubelet reached on 127.0.0.1 through each
 * node's `Hostname` address (the emulated nodes all answer on one local HTTPS port).
 */
import { hasInsecurePortFlags } from './kubernetes-version.js';
import type { KubernetesVersion } from './kubernetes-version.js';
import type { LabPki } from './pki.js';

export interface ApiserverConfig {
  readonly pki: LabPki;
  readonly etcdUrl: string;
  readonly securePort: number;
  readonly serviceClusterIpRange: string;
  /** Without kube-controller-manager no token controller runs, so ServiceAccount admission would refuse every pod. */
  readonly serviceAccountAdmission: boolean;
}

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export function apiserverArgs(config: ApiserverConfig, version: KubernetesVersion): string[] {
  const { pki } = config;
  return [
    `--etcd-servers=${config.etcdUrl}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${config.securePort}`,
    // Before 1.24 an unauthenticated port 8080 opens unless told not to; 1.24 removed port and flag.
    ...(hasInsecurePortFlags(version) ? ['--insecure-port=0'] : []),
    // Published as the `kubernetes` Service's endpoint; no reconciler, since loopback is no valid endpoint.
    '--advertise-address=127.0.0.1',
    '--endpoint-reconciler-type=none',
    `--tls-cert-file=${pki.apiserver.cert}`,
    `--tls-private-key-file=${pki.apiserver.key}`,
    `--client-ca-file=${pki.caCert}`,
    '--authorization-mode=Node,RBAC',
    `--service-cluster-ip-range=${config.serviceClusterIpRange}`,
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    `--service-account-key-file=${pki.serviceAccountPublicKey}`,
    `--kubelet-client-certificate=${pki.apiserverKubeletClient.cert}`,
    `--kubelet-client-key=${pki.apiserverKubeletClient.key}`,
    `--kubelet-certificate-authority=${pki.caCert}`,
    '--kubelet-preferred-address-types=Hostname',
    '--allow-privileged=true',
    '--profiling=false',
    ...(config.serviceAccountAdmission ? [] : ['--disable-admission-plugins=ServiceAccount']),
  ];
}
