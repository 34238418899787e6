/**
 * Asking for the Kubernetes version: of a kube-apiserver binary before it starts (its
 * command line depends on it), and of a running server (what it does to the objects it
 * stores depends on it).
 */
import { VersionApi } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { parseKubernetesVersion } from './kubernetes-version.js';
import type { KubernetesVersion } from './kubernetes-version.js';

/** `FILE --version`, parsed; fails naming the binary when it states no version. */
export async function binaryVersion(file: string): Promise<KubernetesVersion> {
  const result = await execa(file, ['--version'], { stdin: 'ignore', reject: false, timeout: 30_000 });
  const version = parseKubernetesVersion(result.stdout);
  if (version === undefined)
    throw new Error(
      `${file} --version said ${JSON.stringify(result.stdout || result.stderr)}, not a Kubernetes version`,
    );
  return version;
}

/** The server's /version, parsed. */
export async function serverVersion(kubeConfig: KubeConfig): Promise<KubernetesVersion> {
  const info = await kubeConfig.makeApiClient(VersionApi).getCode();
  const version = parseKubernetesVersion(info.gitVersion);
  if (version === undefined) throw new Error(`the API server's version ${info.gitVersion} is not understood`);
  return version;
}
