/**
 * Kubeconfig files for the lab: one for people and netpol-assert (the admin user), one per
 * control-plane component. Certificates are embedded, so a copied kubeconfig still works.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { CertificateFiles } from './pki.js';

export interface KubeconfigRequest {
  /** Cluster, user and context name. */
  readonly name: string;
  readonly server: string;
  readonly caCert: string;
  readonly client: CertificateFiles;
}

export async function writeKubeconfig(path: string, request: KubeconfigRequest): Promise<void> {
  const [ca, cert, key] = await Promise.all(
    [request.caCert, request.client.cert, request.client.key].map(async (file) =>
      (await readFile(file)).toString('base64'),
    ),
  );
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: request.name, cluster: { server: request.server, 'certificate-authority-data': ca } }],
    users: [{ name: request.name, user: { 'client-certificate-data': cert, 'client-key-data': key } }],
    contexts: [{ name: request.name, context: { cluster: request.name, user: request.name } }],
    'current-context': request.name,
  };
  await writeFile(path, stringify(kubeconfig), { mode: 0o600 });
}
