/**
 * The one place a command chooses and reaches its cluster, from the options
 * cluster-options.ts declares: `run`, `clean`, `generate --from-cluster` and `recipes run`
 * all come here. Loads the Kubernetes client: only handlers that talk to a cluster import
 * this, and they import it when they run.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterNotice } from '../cluster/index.js';
import { checkApiServer, ClusterUnavailableError, KubeCluster, noticeText } from '../cluster/index.js';
import { labOutsideHosts, labPaths } from '../lab/index.js';
import type { OutsideSources } from '../probe/index.js';
import type { ClusterOptions } from './cluster-options.js';
import type { OutputStream } from './command.js';

export interface ConnectedCluster {
  readonly cluster: KubeCluster;
  /** The kubeconfig the cluster was reached with: recipe packs apply their objects through it. */
  readonly kubeConfig: KubeConfig;
  /** The lab's control socket when the choice is the lab: it makes the outside hosts. */
  readonly labSocket?: string;
  /** The lab's outside hosts, which a run sends from when an address is a source: the lab only. */
  readonly outsideSources?: OutsideSources;
}

const SUPERVISOR_ANSWER_MS = 60_000;

/**
 * `--lab NAME`: the lab, reached exactly like any cluster, through the kubeconfig it wrote.
 * Otherwise kubectl's rules: `--kubeconfig`, else $KUBECONFIG, else ~/.kube/config, and
 * `--context`, else the current one. Throws ClusterUnavailableError (exit 3). What reading
 * the cluster finds worth saying (cluster policies read or not installed, policies the
 * model does not know, listings refused) goes to `notices`, one `netpol-assert:` line each.
 */
export function connectCluster(options: ClusterOptions, notices?: OutputStream): ConnectedCluster {
  const onNotice = notices
    ? { onNotice: (notice: ClusterNotice) => void notices.write(`netpol-assert: ${noticeText(notice)}\n`) }
    : {};
  if (options.lab !== undefined) {
    const lab = labPaths(options.lab);
    const cluster = KubeCluster.connect({
      ...onNotice,
      kubeconfig: lab.kubeconfig,
      unreadableHint: `is lab '${options.lab}' up? see "netpol-assert lab up"`,
    });
    return {
      cluster,
      kubeConfig: cluster.kubeConfig,
      labSocket: lab.socket,
      outsideSources: labOutsideSources(options.lab, lab.socket),
    };
  }
  const cluster = KubeCluster.connect({
    ...onNotice,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  return { cluster, kubeConfig: cluster.kubeConfig };
}

/**
 * connectCluster, then one request to the API server: a command that will change the
 * cluster calls this, so that a server that is not there, or that refuses the user, ends
 * it (exit 3) before anything was made and nothing needs removing.
 */
export async function reachCluster(
  options: ClusterOptions,
  notices?: OutputStream,
): Promise<ConnectedCluster> {
  const connected = connectCluster(options, notices);
  const hint = options.lab === undefined ? undefined : labHint(options.lab);
  await checkApiServer(connected.kubeConfig, hint);
  return connected;
}

function labHint(lab: string): string {
  return `is lab '${lab}' up? see "netpol-assert lab status"`;
}

/** The lab's outside hosts, asked of its supervisor when a run needs them; no answer is exit 3. */
function labOutsideSources(lab: string, socket: string): OutsideSources {
  return {
    owner: `lab '${lab}'`,
    list: () =>
      labOutsideHosts(socket, SUPERVISOR_ANSWER_MS).catch((error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        throw new ClusterUnavailableError(`lab '${lab}' did not say which outside hosts it has: ${why}`);
      }),
  };
}
