/**
 * The kubeconfig kubectl would use, loaded by @kubernetes/client-node's KubeConfig, and
 * checked before anything is sent: a problem found here is told in words that name the
 * file (and line:column when it is not YAML), the context, cluster or user at fault, and
 * what to do, never as the client's stack of defaults. Without any kubeconfig client-node
 * quietly falls back to http://localhost:8080; a run instead says where it looked and
 * offers the lab.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findHomeDir, KubeConfig } from '@kubernetes/client-node';
import type { Cluster, User } from '@kubernetes/client-node';
import { ClusterUnavailableError } from './cluster-unavailable.js';

export interface KubeconfigChoice {
  /** `--kubeconfig`; else $KUBECONFIG, ~/.kube/config, then the pod's service account. */
  readonly kubeconfig?: string;
  /** `--context`; else the file's current-context. */
  readonly context?: string;
  /** What to check when the kubeconfig cannot be read, e.g. whether the lab that wrote it is up. */
  readonly unreadableHint?: string;
}

/** Where client-node (and kubectl) look for a pod's own credentials. */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** The files a kubeconfig was read from, as messages name them, and why they were chosen. */
interface KubeconfigSource {
  readonly files: readonly string[];
  /** `--kubeconfig`, `$KUBECONFIG`, `~/.kube/config` or `in-cluster`. */
  readonly from: string;
}

/** Loads and checks the kubeconfig; throws ClusterUnavailableError (exit 3) saying what is wrong. */
export function loadKubeconfig(choice: KubeconfigChoice): KubeConfig {
  const source = sourceOf(choice.kubeconfig);
  const config = new KubeConfig();
  try {
    if (choice.kubeconfig) config.loadFromFile(choice.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    // A hint (the lab's) says where the file came from better than the option would.
    const hint = choice.unreadableHint === undefined ? '' : ` (${choice.unreadableHint})`;
    const problem = loadProblem(source, error, hint === '' ? ` (${source.from})` : '');
    throw new ClusterUnavailableError(`cannot load the kubeconfig${hint}: ${problem}`, { cause: error });
  }
  const where = describe(source);
  if (
    config.getContexts().length === 0 &&
    config.getClusters().length === 0 &&
    config.getUsers().length === 0
  )
    throw new ClusterUnavailableError(
      `${where} defines no contexts, clusters or users (is it a kubeconfig?)`,
    );
  chooseContext(config, choice.context, where);
  const cluster = config.getCurrentCluster();
  const user = config.getCurrentUser();
  if (cluster !== null) checkServer(cluster, where);
  checkFiles(cluster, user, where);
  if (user !== null) checkClientCertificate(user, where);
  return config;
}

/** kubectl's order; none of them there is the newcomer's message. */
function sourceOf(kubeconfig: string | undefined): KubeconfigSource {
  if (kubeconfig) return { files: [kubeconfig], from: '--kubeconfig' };
  const fromEnvironment = (process.env.KUBECONFIG ?? '').split(delimiter).filter((file) => file !== '');
  if (fromEnvironment.length > 0) return { files: fromEnvironment, from: '$KUBECONFIG' };
  const home = findHomeDir();
  const inHome = home === null ? undefined : join(home, '.kube', 'config');
  if (inHome !== undefined && existsSync(inHome)) return { files: [inHome], from: '~/.kube/config' };
  if (existsSync(SERVICE_ACCOUNT_TOKEN)) return { files: [], from: 'in-cluster' };
  throw new ClusterUnavailableError(noKubeconfigMessage(inHome));
}

/** Where it looked, and the two ways on: someone's cluster, or the lab. */
function noKubeconfigMessage(inHome: string | undefined): string {
  return [
    'no kubeconfig found, so there is no cluster to run against. Looked at:',
    '  $KUBECONFIG: not set',
    inHome === undefined ? '  ~/.kube/config: $HOME is not set' : `  ${inHome}: no such file`,
    `  in-cluster service account: ${SERVICE_ACCOUNT_TOKEN}: no such file`,
    'To use a cluster, name its kubeconfig with --kubeconfig or $KUBECONFIG.',
    'To try netpol-assert on a lab cluster of its own (Linux, as root), start one and add --lab to this command:',
    '  netpol-assert lab up -f MANIFESTS',
    'To check suites against manifests without any cluster:',
    '  netpol-assert predict SUITES --state MANIFESTS',
  ].join('\n');
}

function describe(source: KubeconfigSource): string {
  if (source.from === 'in-cluster') return "the pod's in-cluster configuration";
  return `kubeconfig ${source.files.join(':')}`;
}

/** Why loading failed, naming the file; a YAML error with its line:column. */
function loadProblem(source: KubeconfigSource, error: unknown, from: string): string {
  // $KUBECONFIG may name several files: the one at fault is the one that fails alone.
  const file = source.files.find((candidate) => failsAlone(candidate)) ?? source.files[0] ?? '';
  const code = errorCode(error);
  if (code === 'ENOENT') return `${file}${from} does not exist`;
  if (code === 'EISDIR') return `${file}${from} is a folder, not a file`;
  if (code === 'EACCES') return `${file}${from} may not be read (permission denied)`;
  const mark = yamlMark(error);
  if (mark !== undefined)
    return `${file}:${mark.line + 1}:${mark.column + 1}: not valid YAML: ${mark.reason}`;
  if (isBlank(file)) return `${file}${from} is empty`;
  return `${file}${from}: ${error instanceof Error ? error.message : String(error)}`;
}

function failsAlone(file: string): boolean {
  try {
    new KubeConfig().loadFromFile(file);
    return false;
  } catch {
    return true;
  }
}

function isBlank(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').trim() === '';
  } catch {
    return false;
  }
}

/** A Node.js system error's code (`ENOENT`, `ECONNREFUSED`), as fs and fetch give it. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** js-yaml's YAMLException, which client-node passes on: 0-based line and column, and the reason. */
function yamlMark(error: unknown): { line: number; column: number; reason: string } | undefined {
  if (!(error instanceof Error) || !('mark' in error) || !('reason' in error)) return undefined;
  const { mark, reason } = error as { mark: unknown; reason: unknown };
  if (typeof mark !== 'object' || mark === null || typeof reason !== 'string') return undefined;
  const { line, column } = mark as { line?: unknown; column?: unknown };
  return typeof line === 'number' && typeof column === 'number' ? { line, column, reason } : undefined;
}

/** `--context`, else the current-context, must name a context whose cluster and user the file defines. */
function chooseContext(config: KubeConfig, wanted: string | undefined, where: string): void {
  const contexts = config.getContexts().map((context) => context.name);
  const known = contexts.length === 0 ? 'it has none' : `it has ${contexts.join(', ')}`;
  if (wanted) {
    if (!contexts.includes(wanted))
      throw new ClusterUnavailableError(`--context ${wanted}: ${where} has no such context (${known})`);
    config.setCurrentContext(wanted);
  }
  const name = config.getCurrentContext();
  if (!name) throw new ClusterUnavailableError(`${where} sets no current-context: pass --context (${known})`);
  const context = config.getContextObject(name);
  if (context === null)
    throw new ClusterUnavailableError(
      `the current-context ${name} of ${where} is not one of its contexts (${known})`,
    );
  if (config.getCluster(context.cluster) === null)
    throw new ClusterUnavailableError(
      `context ${name} names cluster "${context.cluster}", which ${where} does not define`,
    );
  if (context.user && config.getUser(context.user) === null)
    throw new ClusterUnavailableError(
      `context ${name} names user "${context.user}", which ${where} does not define`,
    );
}

/** client-node refuses plain HTTP unless the cluster skips TLS verification: said before, not after a request. */
function checkServer(cluster: Cluster, where: string): void {
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new ClusterUnavailableError(
      `cluster ${cluster.name} of ${where} has server "${cluster.server}", which is not a URL`,
    );
  }
  if (url.protocol === 'http:' && !cluster.skipTLSVerify)
    throw new ClusterUnavailableError(
      `cluster ${cluster.name} of ${where} has server ${cluster.server}, plain HTTP, which the ` +
        'Kubernetes client refuses unless the cluster sets insecure-skip-tls-verify: true',
    );
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ClusterUnavailableError(
      `cluster ${cluster.name} of ${where} has server ${cluster.server}: expected https://`,
    );
}

/** Every file the context's cluster and user name must be readable: read now, not at the first request. */
function checkFiles(cluster: Cluster | null, user: User | null, where: string): void {
  const files: [field: string, owner: string, file: string | undefined][] = [
    ['certificate-authority', `cluster ${cluster?.name}`, cluster?.caFile],
    ['client-certificate', `user ${user?.name}`, user?.certFile],
    ['client-key', `user ${user?.name}`, user?.keyFile],
  ];
  for (const [field, owner, file] of files) {
    if (!file) continue;
    try {
      readFileSync(file);
    } catch (error) {
      const why =
        errorCode(error) === 'ENOENT'
          ? 'no such file'
          : error instanceof Error
            ? error.message
            : String(error);
      throw new ClusterUnavailableError(`cannot read ${field} ${file} of ${owner} (${where}): ${why}`, {
        cause: error,
      });
    }
  }
}

/** An expired (or not yet valid) client certificate is refused by every API server: say so and when. */
function checkClientCertificate(user: User, where: string): void {
  const pem = user.certData
    ? Buffer.from(user.certData, 'base64')
    : user.certFile
      ? readFileSync(user.certFile)
      : undefined;
  if (pem === undefined) return;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new ClusterUnavailableError(
      `the client certificate of user ${user.name} (${where}) is not a PEM certificate`,
    );
  }
  const now = Date.now();
  const validTo = new Date(certificate.validTo);
  const validFrom = new Date(certificate.validFrom);
  if (validTo.getTime() < now)
    throw new ClusterUnavailableError(
      `the client certificate of user ${user.name} (${where}) expired on ${isoSeconds(validTo)}: ` +
        'the API server will refuse it; get a new one from whoever runs the cluster',
    );
  if (validFrom.getTime() > now)
    throw new ClusterUnavailableError(
      `the client certificate of user ${user.name} (${where}) is not valid before ${isoSeconds(validFrom)}: ` +
        "is this machine's clock right?",
    );
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
