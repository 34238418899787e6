/**
 * One request before a command changes anything: does the API server answer, and does it
 * take the kubeconfig's credentials? Asked without retries (a server that refuses the
 * first connection of a run is not there, not restarting), so a closed port, a name that
 * does not resolve, a certificate that is not trusted or a refused user ends the command
 * at once (exit 3) with the server and the reason in words, before a setup, an agent or a
 * probe pod is made, and so before anything would need removing.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { messageOf, statusOf } from './api-error.js';
import { ClusterUnavailableError } from './cluster-unavailable.js';
import { errorCode } from './load-kubeconfig.js';

/** Long enough for a far cluster's TLS handshake, short enough for a newcomer's blackholed address. */
export const API_SERVER_ANSWER_MS = 15_000;

/** What a failed connection's code means, in words. */
const CONNECTION_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'no route to the network',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT:
    "the server's certificate is not signed by the cluster's certificate-authority",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate is not signed by the cluster's certificate-authority",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    "the server's certificate is not signed by the cluster's certificate-authority",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "the server's certificate is not signed by the cluster's certificate-authority",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate does not name this host",
};

/**
 * Resolves when the API server answers (any answer but 401: what a user may do is the
 * access check's to say); throws ClusterUnavailableError otherwise. `hint` says what to
 * check, e.g. whether the lab that wrote the kubeconfig is up.
 */
export async function checkApiServer(
  kubeConfig: KubeConfig,
  hint?: string,
  answerMs = API_SERVER_ANSWER_MS,
): Promise<void> {
  const server = kubeConfig.getCurrentCluster()?.server ?? '(no server)';
  const where = `the API server ${server} of context ${kubeConfig.getCurrentContext()}`;
  const also = hint === undefined ? '' : ` (${hint})`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), answerMs);
  });
  try {
    const answer = await Promise.race([kubeConfig.makeApiClient(CoreV1Api).getAPIResources(), timeout]);
    if (answer === 'timeout')
      throw new ClusterUnavailableError(`${where} did not answer within ${answerMs / 1000} s${also}`);
  } catch (error) {
    if (error instanceof ClusterUnavailableError) throw error;
    const status = statusOf(error);
    if (status === 401)
      throw new ClusterUnavailableError(refusedMessage(kubeConfig, where), { cause: error });
    if (status !== undefined) return;
    throw new ClusterUnavailableError(`cannot reach ${where}: ${connectionProblem(error)}${also}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

function refusedMessage(kubeConfig: KubeConfig, where: string): string {
  const user = kubeConfig.getCurrentUser()?.name;
  const whose = user === undefined ? 'anonymous requests' : `the credentials of user ${user}`;
  return `${where} refused ${whose} (401 Unauthorized): they are wrong or have expired`;
}

function connectionProblem(error: unknown): string {
  const code = errorCode(error) ?? errorCode(causeOf(error));
  return (code === undefined ? undefined : CONNECTION_FAILURES[code]) ?? messageOf(error);
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}
