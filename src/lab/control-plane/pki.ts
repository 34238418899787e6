/**
 * The lab's own certificates: a CA and every certificate the control plane and the
 * emulated kubelet present, plus the service-account key pair. Keys come from node:crypto
 * (P-256, PKCS#8); certificates from `openssl req -x509 -CA`, which node:crypto cannot make.
 * Everything lives in one folder under the lab's state and dies with `lab down`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

export interface LabPki {
  readonly caCert: string;
  readonly caKey: string;
  /** kube-apiserver's serving certificate. */
  readonly apiserver: CertificateFiles;
  /** The lab's administrator (group system:masters): kubeconfig users, the supervisor. */
  readonly admin: CertificateFiles;
  /** What kube-apiserver presents to the kubelet (exec, logs). */
  readonly apiserverKubeletClient: CertificateFiles;
  /** The emulated kubelet's serving certificate (127.0.0.1 and localhost). */
  readonly kubelet: CertificateFiles;
  readonly controllerManager: CertificateFiles;
  readonly scheduler: CertificateFiles;
  /** Service-account token signing key (private) and verification key (public). */
  readonly serviceAccountKey: string;
  readonly serviceAccountPublicKey: string;
}

/** The ClusterIP range's first address is the `kubernetes` Service; the serving cert names it. */
export interface PkiOptions {
  readonly kubernetesServiceIp: string;
}

const VALID_DAYS = '30';

interface Subject {
  readonly commonName: string;
  readonly organization?: string;
}

interface LeafRequest {
  readonly subject: Subject;
  readonly usage: 'serverAuth' | 'clientAuth';
  readonly altNames?: readonly string[];
}

/** Where the lab's CA is in its pki folder. */
export function labCaFiles(folder: string): CertificateFiles {
  return { cert: join(folder, 'ca.crt'), key: join(folder, 'ca.key') };
}

export async function createLabPki(folder: string, options: PkiOptions): Promise<LabPki> {
  const ca = labCaFiles(folder);
  await writeKey(ca.key);
  await openssl([
    ...['req', '-x509', '-new', '-key', ca.key, '-subj', subjectText({ commonName: 'netpol-assert-lab-ca' })],
    ...['-days', VALID_DAYS, '-out', ca.cert],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  const leaf = (name: string, request: LeafRequest): Promise<CertificateFiles> =>
    createLeaf(folder, name, ca, request);
  const loopback = ['IP:127.0.0.1', 'DNS:localhost'];
  const serviceNames = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc'];
  const [apiserver, admin, apiserverKubeletClient, kubelet, controllerManager, scheduler] = await Promise.all(
    [
      leaf('apiserver', {
        subject: { commonName: 'kube-apiserver' },
        usage: 'serverAuth',
        altNames: [
          ...loopback,
          `IP:${options.kubernetesServiceIp}`,
          ...[...serviceNames, 'kubernetes.default.svc.cluster.local'].map((name) => `DNS:${name}`),
        ],
      }),
      leaf('admin', {
        subject: { commonName: 'lab-admin', organization: 'system:masters' },
        usage: 'clientAuth',
      }),
      leaf('apiserver-kubelet-client', {
        subject: { commonName: 'kube-apiserver-kubelet-client', organization: 'system:masters' },
        usage: 'clientAuth',
      }),
      leaf('kubelet', { subject: { commonName: 'lab-kubelet' }, usage: 'serverAuth', altNames: loopback }),
      leaf('controller-manager', {
        subject: { commonName: 'system:kube-controller-manager' },
        usage: 'clientAuth',
      }),
      leaf('scheduler', { subject: { commonName: 'system:kube-scheduler' }, usage: 'clientAuth' }),
    ],
  );
  const serviceAccount = await writeServiceAccountKeys(folder);
  return {
    caCert: ca.cert,
    caKey: ca.key,
    apiserver,
    admin,
    apiserverKubeletClient,
    kubelet,
    controllerManager,
    scheduler,
    ...serviceAccount,
  };
}

/**
 * A client certificate for `user` (its common name, in no group: only what RBAC binds to
 * the user, and to every authenticated user, applies), signed by the lab's CA into `folder`.
 */
export function createUserCertificate(
  folder: string,
  user: string,
  ca: CertificateFiles,
): Promise<CertificateFiles> {
  return createLeaf(folder, user, ca, { subject: { commonName: user }, usage: 'clientAuth' });
}

async function createLeaf(
  folder: string,
  name: string,
  ca: CertificateFiles,
  request: LeafRequest,
): Promise<CertificateFiles> {
  const files = { cert: join(folder, `${name}.crt`), key: join(folder, `${name}.key`) };
  await writeKey(files.key);
  const extensions = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${request.usage}`,
    ...(request.altNames === undefined ? [] : [`subjectAltName=${request.altNames.join(',')}`]),
  ];
  await openssl([
    ...['req', '-x509', '-new', '-key', files.key, '-CA', ca.cert, '-CAkey', ca.key],
    ...['-subj', subjectText(request.subject), '-days', VALID_DAYS, '-out', files.cert],
    ...extensions.flatMap((extension) => ['-addext', extension]),
  ]);
  return files;
}

function subjectText(subject: Subject): string {
  return subject.organization === undefined
    ? `/CN=${subject.commonName}`
    : `/O=${subject.organization}/CN=${subject.commonName}`;
}

async function writeKey(path: string): Promise<void> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}

async function writeServiceAccountKeys(
  folder: string,
): Promise<Pick<LabPki, 'serviceAccountKey' | 'serviceAccountPublicKey'>> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serviceAccountKey = join(folder, 'sa.key');
  const serviceAccountPublicKey = join(folder, 'sa.pub');
  await writeFile(serviceAccountKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(serviceAccountPublicKey, publicKey.export({ type: 'spki', format: 'pem' }));
  return { serviceAccountKey, serviceAccountPublicKey };
}

async function openssl(args: readonly string[]): Promise<void> {
  // An empty config keeps the host's openssl.cnf (and its defaults) out of the lab's certificates.
  await execa('openssl', args, { env: { OPENSSL_CONF: '/dev/null' }, stdin: 'ignore' });
}
