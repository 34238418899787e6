/**
 * The emulated kubelet for every lab node, in one process: it serves exec on one local
 * port, registers the nodes and keeps their leases, binds pods when there is no
 * scheduler, and keeps the data plane in step with the API: a pass runs after any
 * change to pods, namespaces, nodes, NetworkPolicies or cluster policies (coalesced) and
 * every 10 s regardless.
 */
import { CoreV1Api, NetworkingV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1Namespace, V1NetworkPolicy, V1Node, V1Pod } from '@kubernetes/client-node';
import { serverVersion, startInformer } from '../control-plane/index.js';
import type { CertificateFiles, RunningInformer } from '../control-plane/index.js';
import { watchClusterPolicies } from './cluster-policy-informers.js';
import type { ClusterPolicyInformers } from './cluster-policy-informers.js';
import { desiredState, shouldRun } from './desired-from-api.js';
import { execResolution } from './exec-target.js';
import type { LoadedPayload } from './images.js';
import { startKubeletServer } from './kubelet-server.js';
import type { KubeletServer } from './kubelet-server.js';
import { registerNodes } from './node-registration.js';
import type { NodeHeartbeat } from './node-registration.js';
import { awaitsBinding, PodBinder } from './pod-binder.js';
import type { DataPlaneStatus, DesiredExternalHost, PodNetwork } from './pod-network.js';
import { PodLifetimes } from './pod-lifetimes.js';
import { PodSync } from './pod-sync.js';
import { serialTask } from './serial-task.js';

export interface LabKubeletOptions {
  readonly kubeConfig: KubeConfig;
  readonly nodeNames: readonly string[];
  readonly network: PodNetwork;
  readonly caCert: string;
  readonly serving: CertificateFiles;
  /** True when kube-scheduler is not running: the kubelet binds pods itself. */
  readonly bindPods: boolean;
  readonly externalHosts: readonly DesiredExternalHost[];
  /** The agent payload containers of netpol-assert's own image run, and the references it is loaded as. */
  readonly payload: LoadedPayload;
  readonly log: (message: string) => void;
}

export interface LabKubelet {
  /** The local port kube-apiserver reaches every node's kubelet on. */
  readonly port: number;
  /** What the data plane made in the last pass. */
  readonly status: DataPlaneStatus | undefined;
  /** Replace the outside hosts and wait for a pass that includes them. */
  setExternalHosts(hosts: readonly DesiredExternalHost[]): Promise<void>;
  /** Wait for a pass that started after this call. */
  sync(): Promise<void>;
  /**
   * Node `name`'s kubelet stops, as when its process dies: the node goes NotReady, its
   * pods keep running as they are (their network stays) but nothing more is started,
   * reported or deleted there, execs into them are refused and those running are cut.
   */
  stopNode(name: string): Promise<void>;
  stop(): Promise<void>;
}

const RESYNC_MS = 10_000;
/** The kubelet's own address for kube-apiserver (see `--kubelet-preferred-address-types=Hostname`). */
const KUBELET_HOST = 'localhost';

export async function startLabKubelet(options: LabKubeletOptions): Promise<LabKubelet> {
  const { kubeConfig, log } = options;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  const podSync = new PodSync(kubeConfig, options.network, options.payload.images, log);
  /** Nodes whose kubelet was stopped, with the pods that ran there then: they run on, untended. */
  const stoppedNodes = new Map<string, readonly V1Pod[]>();
  const onStoppedNode = (pod: V1Pod | undefined): boolean => stoppedNodes.has(pod?.spec?.nodeName ?? '');
  const lifetimes = new PodLifetimes();
  const binder = options.bindPods
    ? new PodBinder(kubeConfig, options.nodeNames, (node) => !stoppedNodes.has(node))
    : undefined;
  let externalHosts = options.externalHosts;
  let pods: RunningInformer<V1Pod> | undefined;
  let namespaces: RunningInformer<V1Namespace> | undefined;
  let policies: RunningInformer<V1NetworkPolicy> | undefined;
  let nodes: RunningInformer<V1Node> | undefined;
  let clusterPolicies: ClusterPolicyInformers | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const server: KubeletServer = await startKubeletServer({
      caCert: options.caCert,
      serving: options.serving,
      log,
      resolveExec: (request) => {
        const pod = pods?.cache.get(request.pod, request.namespace);
        if (onStoppedNode(pod))
          return {
            kind: 'refused',
            code: 503,
            message: `the kubelet of node ${pod?.spec?.nodeName} is stopped`,
          };
        const onLabNode = pod?.spec?.nodeName !== undefined && options.nodeNames.includes(pod.spec.nodeName);
        const resolution = execResolution(
          request,
          onLabNode ? pod : undefined,
          podSync.placement(pod?.metadata?.uid),
          options.payload,
        );
        if (resolution.kind !== 'run') return resolution;
        return {
          kind: 'run',
          target: { ...resolution.target, podGone: lifetimes.signal(pod?.metadata?.uid ?? '') },
        };
      },
    });
    cleanups.push(() => server.close());

    const pass = async (): Promise<void> => {
      const podList = (pods?.cache.list() ?? []).filter((pod) => !onStoppedNode(pod));
      const untended = [...stoppedNodes.values()].flat();
      const desired = desiredState({
        nodeNames: options.nodeNames,
        namespaces: namespaces?.cache.list() ?? [],
        pods: [...podList, ...untended],
        policies: policies?.cache.list() ?? [],
        externalHosts,
        nodeObjects: nodes?.cache.list() ?? [],
        clusterPolicies: clusterPolicies?.list() ?? [],
      });
      await podSync.run(desired, podList);
      lifetimes.keepOnly(tendedPods(podSync.status, stoppedNodes));
      if (binder !== undefined)
        await Promise.all(podList.filter(awaitsBinding).map((pod) => binder.bind(pod)));
    };
    const sync = serialTask(pass);
    const requestSync = (): void => void sync().catch((error: unknown) => log(`sync: ${String(error)}`));

    // The nodes' addresses come from the data plane; the first pass makes the nodes.
    await sync();
    const nodeAddresses = (name: string): string[] =>
      (podSync.status?.nodes ?? []).filter((node) => node.name === name).map((node) => node.address);
    const heartbeat: NodeHeartbeat = await registerNodes(
      kubeConfig,
      options.nodeNames.map((name) => ({ name, addresses: nodeAddresses(name) })),
      {
        kubeletHost: KUBELET_HOST,
        kubeletPort: server.port,
        kubeletVersion: (await serverVersion(kubeConfig)).gitVersion,
      },
      log,
    );
    cleanups.push(() => heartbeat.stop());

    const handlers = {
      onChange: requestSync,
      onDelete: requestSync,
      onError: (error: unknown) => log(`watch: ${String(error)}`),
    };
    namespaces = await startInformer(kubeConfig, '/api/v1/namespaces', () => core.listNamespace(), handlers);
    cleanups.push(() => namespaces?.stop());
    policies = await startInformer(
      kubeConfig,
      '/apis/networking.k8s.io/v1/networkpolicies',
      () => networking.listNetworkPolicyForAllNamespaces(),
      handlers,
    );
    cleanups.push(() => policies?.stop());
    nodes = await startInformer(kubeConfig, '/api/v1/nodes', () => core.listNode(), handlers);
    cleanups.push(() => nodes?.stop());
    clusterPolicies = await watchClusterPolicies(kubeConfig, handlers, log);
    cleanups.push(() => clusterPolicies?.stop());
    pods = await startInformer(kubeConfig, '/api/v1/pods', () => core.listPodForAllNamespaces(), handlers);
    cleanups.push(() => pods?.stop());
    const resync = setInterval(requestSync, RESYNC_MS);
    cleanups.push(() => clearInterval(resync));
    await sync();

    return {
      port: server.port,
      get status() {
        return podSync.status;
      },
      setExternalHosts: async (hosts) => {
        externalHosts = hosts;
        await sync();
      },
      sync,
      stopNode: async (name) => {
        if (!options.nodeNames.includes(name)) throw new Error(`${name} is not a node of this lab`);
        if (stoppedNodes.has(name)) return;
        const running = (pods?.cache.list() ?? []).filter(
          (pod) => pod.spec?.nodeName === name && shouldRun(pod),
        );
        stoppedNodes.set(name, running);
        await heartbeat.stopNode(name);
        await sync();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The pods running on nodes whose kubelet works: the others' execs are cut. */
function tendedPods(
  status: DataPlaneStatus | undefined,
  stoppedNodes: ReadonlyMap<string, unknown>,
): Set<string> {
  return new Set(
    (status?.pods ?? [])
      .filter((pod) => pod.phase === 'Running' && !stoppedNodes.has(pod.nodeName))
      .map((pod) => pod.uid),
  );
}
