/**
 * A cluster reached through its kubeconfig, with @kubernetes/client-node: EKS, GKE, AKS,
 * kind and the local lab alike. Implements the ProbeCluster interface src/probe declares.
 */
import { PassThrough, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import {
  ApisApi,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  Exec,
  KubeConfig,
  NetworkingV1Api,
  type KubernetesObject,
  type V1Pod,
  type V1Status,
} from '@kubernetes/client-node';
import type { Namespace } from '../policy/index.js';
import {
  AGENT_NAMESPACE,
  RUN_LABEL,
  type AgentPod,
  type ClusterSnapshot,
  type ExecInput,
  type ExecResult,
  type LivePod,
  type ProbeCluster,
  type RunPodSpec,
} from '../probe/index.js';
import { imagePullFailures, imagePullProblem } from './image-pull-failure.js';
import { stateFromManifests } from '../manifests/index.js';
import type { ManifestObject } from '../manifests/index.js';
import { toWireObject } from './wire-object.js';
import { noticeText } from './cluster-notice.js';
import type { ClusterNotice } from './cluster-notice.js';
import { modelWarnings, screenClusterPolicies, withLiveUnmodelled } from './live-policy-state.js';
import { readPolicyObjects } from './policy-resources.js';
import { agentObjects, AGENT_NAME, runPodManifest } from './run-manifests.js';

export interface KubeClusterOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** What to check when the kubeconfig cannot be read, e.g. whether the lab that wrote it is up. */
  readonly unreadableHint?: string;
  /**
   * Told what reading the cluster found worth saying (cluster policies read or not
   * installed, policies the model does not know, listings refused), each once.
   */
  readonly onNotice?: (notice: ClusterNotice) => void;
}

/** The cluster could not be used: exit code 3, with what was tried. */
export class ClusterUnavailableError extends Error {
  override readonly name = 'ClusterUnavailableError';
}

const POLL_MS = 250;

export class KubeCluster implements ProbeCluster {
  readonly name: string;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly networking: NetworkingV1Api;
  private readonly apis: ApisApi;
  private readonly custom: CustomObjectsApi;
  private readonly exec: Exec;
  private readonly openExecs = new Set<{ close(): void }>();
  /** A run reads the cluster more than once (generated cases, then the plan): each notice is told once. */
  private readonly told = new Set<string>();

  /** `kubeConfig` is what the cluster was reached with: recipe packs apply their objects through it. */
  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly onNotice: (notice: ClusterNotice) => void = () => undefined,
  ) {
    this.name = kubeConfig.getCurrentContext();
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.networking = kubeConfig.makeApiClient(NetworkingV1Api);
    this.apis = kubeConfig.makeApiClient(ApisApi);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.exec = new Exec(kubeConfig);
  }

  /** kubectl's rules: --kubeconfig, else $KUBECONFIG, else ~/.kube/config; --context else current. */
  static connect(options: KubeClusterOptions): KubeCluster {
    const config = new KubeConfig();
    try {
      if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
      else config.loadFromDefault();
      if (options.context) config.setCurrentContext(options.context);
    } catch (error) {
      const hint = options.unreadableHint ? ` (${options.unreadableHint})` : '';
      throw new ClusterUnavailableError(`cannot load the kubeconfig${hint}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    if (!config.getCurrentCluster()) {
      throw new ClusterUnavailableError(
        'the kubeconfig names no current cluster; pass --kubeconfig or --context',
      );
    }
    return new KubeCluster(config, options.onNotice);
  }

  async snapshot(): Promise<ClusterSnapshot> {
    const [namespaces, nodes, pods, services, policies, workloads, otherPolicies] = await this.call(
      'read the cluster',
      () =>
        Promise.all([
          this.core.listNamespace(),
          this.core.listNode(),
          this.core.listPodForAllNamespaces(),
          this.core.listServiceForAllNamespaces(),
          this.networking.listNetworkPolicyForAllNamespaces(),
          this.listWorkloads(),
          // Cluster policies and other projects' policies: warnings, never a failure.
          readPolicyObjects(this.apis, this.custom),
        ]),
    );
    // Left out of what is tested: a namespace being deleted (a run can put nothing in it),
    // and the agent's own, which probes must never be planned into.
    const excluded = new Set(namespaces.items.filter(isTerminating).map((ns) => ns.metadata?.name));
    excluded.add(AGENT_NAMESPACE);
    const tested = namespaces.items.filter((ns) => !excluded.has(ns.metadata?.name));
    const running = pods.items.filter((pod) => isRunning(pod) && !excluded.has(pod.metadata?.namespace));
    // Every namespaced object too: one that names a namespace brings that namespace back.
    const inTested = (object: { metadata?: { namespace?: string } }): boolean =>
      !excluded.has(object.metadata?.namespace);
    const objects = [
      ...wire('Namespace', 'v1', tested),
      ...wire('Node', 'v1', nodes.items),
      ...wire('Pod', 'v1', running),
      ...wire('Service', 'v1', services.items.filter(inTested)),
      ...wire('NetworkPolicy', 'networking.k8s.io/v1', policies.items.filter(inTested)),
      ...workloads.filter(inTested),
    ];
    // Through the same builder as --state's files: the same objects give the same state.
    const screened = screenClusterPolicies(otherPolicies.objects.filter(inTested));
    const built = stateFromManifests([...objects, ...screened.objects].map(asManifestObject(this.name)), {
      expandWorkloads: false,
    });
    if (built.errors.length > 0) {
      throw new ClusterUnavailableError(
        `the cluster's objects could not be read: ${built.errors.map((e) => e.message).join('; ')}`,
      );
    }
    const state = withLiveUnmodelled(built.state, screened.rejected);
    this.tell([...otherPolicies.notices, ...screened.notices, ...modelWarnings(state)]);
    const live = new Map(running.map((pod) => [podKey(pod), livePod(pod)]));
    return { state, pods: live };
  }

  private tell(notices: readonly ClusterNotice[]): void {
    for (const notice of notices) {
      const key = noticeText(notice);
      if (this.told.has(key)) continue;
      this.told.add(key);
      this.onNotice(notice);
    }
  }

  async createRunObjects(
    runId: string,
    namespaces: readonly Namespace[],
    pods: readonly RunPodSpec[],
    timeoutMs: number,
    image: string,
  ): Promise<ReadonlyMap<string, LivePod>> {
    await this.waitWhileTerminating(
      namespaces.map((ns) => ns.name),
      timeoutMs,
    );
    // The runner passes only namespaces its snapshot did not hold: one created since is not ours to label.
    await this.call('create the run namespaces', () =>
      Promise.all(
        namespaces.map((ns) =>
          this.core
            .createNamespace({
              body: { metadata: { name: ns.name, labels: { ...ns.labels, [RUN_LABEL]: runId } } },
            })
            .catch((error: unknown) => {
              if (statusOf(error) !== 409) throw error;
            }),
        ),
      ),
    );
    if (pods.length === 0) return new Map();
    await this.call('create the probe pods', () =>
      Promise.all(
        pods.map((spec) =>
          this.core.createNamespacedPod({
            namespace: spec.pod.namespace,
            body: runPodManifest(spec, runId, image),
          }),
        ),
      ),
    );
    return this.waitForPods(`${RUN_LABEL}=${runId}`, pods.length, timeoutMs, 'probe pods');
  }

  async ensureAgent(image: string, timeoutMs: number): Promise<ReadonlyMap<string, AgentPod>> {
    await this.waitWhileTerminating([AGENT_NAMESPACE], timeoutMs);
    const [present, nodes] = await this.call('look for the agent', () =>
      Promise.all([
        this.apps.readNamespacedDaemonSet({ name: AGENT_NAME, namespace: AGENT_NAMESPACE }).then(
          () => true,
          (error: unknown) => (statusOf(error) === 404 ? false : Promise.reject(error)),
        ),
        this.core.listNode().then((list) => list.items),
      ]),
    );
    if (!present) await this.installAgent(image);
    const ready = await this.waitForPods(
      `app.kubernetes.io/name=${AGENT_NAME}`,
      nodes.length,
      timeoutMs,
      'agent pods',
      AGENT_NAMESPACE,
    );
    const agents = new Map<string, AgentPod>();
    for (const pod of ready.values()) {
      if (pod.nodeName)
        agents.set(pod.nodeName, { nodeName: pod.nodeName, namespace: pod.namespace, name: pod.name });
    }
    return agents;
  }

  async execInAgent(
    agent: AgentPod,
    argv: readonly string[],
    stdin: ExecInput,
    onStdout?: (text: string) => void,
  ): Promise<ExecResult> {
    const stdout = collect(onStdout);
    const stderr = collect();
    const status = await new Promise<V1Status>((resolve, reject) => {
      this.exec
        .exec(
          agent.namespace,
          agent.name,
          'agent',
          [...argv],
          stdout.stream,
          stderr.stream,
          Readable.from(inputOf(stdin)),
          false,
          resolve,
        )
        .then((socket) => {
          this.openExecs.add(socket);
          socket.on('error', reject);
          // After the status (resolved first) this is a no-op; before it, the exec was cut.
          socket.on('close', () => {
            this.openExecs.delete(socket);
            reject(new Error('the exec connection closed before the command ended'));
          });
        })
        .catch(reject);
    }).catch((error: unknown) => {
      throw new ClusterUnavailableError(
        `exec into ${agent.namespace}/${agent.name} failed: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    });
    return { stdout: stdout.text(), stderr: stderr.text(), exitCode: exitCodeOf(status) };
  }

  /**
   * Cuts every exec still open, so that an interrupted run's process need not wait for
   * the probes in flight (the agent's own timeouts end them on the node).
   */
  closeOpenExecs(): void {
    for (const socket of this.openExecs) socket.close();
    this.openExecs.clear();
  }

  async removeRunObjects(runId?: string): Promise<void> {
    const selector = runId === undefined ? RUN_LABEL : `${RUN_LABEL}=${runId}`;
    await this.call('remove the run objects', async () => {
      const pods = await this.core.listPodForAllNamespaces({ labelSelector: selector });
      const namespaces = new Set(pods.items.map((pod) => pod.metadata?.namespace ?? 'default'));
      await Promise.all(
        [...namespaces].map((namespace) =>
          this.core.deleteCollectionNamespacedPod({
            namespace,
            labelSelector: selector,
            gracePeriodSeconds: 0,
          }),
        ),
      );
      const owned = await this.core.listNamespace({ labelSelector: selector });
      await Promise.all(
        owned.items.map((ns) =>
          this.core.deleteNamespace({ name: ns.metadata?.name ?? '', gracePeriodSeconds: 0 }),
        ),
      );
    });
  }

  async removeAgent(): Promise<void> {
    await this.call('remove the agent', () =>
      this.core.deleteNamespace({ name: AGENT_NAMESPACE, gracePeriodSeconds: 0 }).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      }),
    );
  }

  private async installAgent(image: string): Promise<void> {
    await this.call('install the agent', async () => {
      const { namespace, daemonSet } = await agentObjects(image);
      await this.core.createNamespace({ body: namespace }).catch((error: unknown) => {
        if (statusOf(error) !== 409) throw error;
      });
      await this.apps.createNamespacedDaemonSet({ namespace: AGENT_NAMESPACE, body: daemonSet });
    });
  }

  private async listWorkloads(): Promise<Record<string, unknown>[]> {
    const [deployments, replicaSets, statefulSets, daemonSets] = await Promise.all([
      this.apps.listDeploymentForAllNamespaces(),
      this.apps.listReplicaSetForAllNamespaces(),
      this.apps.listStatefulSetForAllNamespaces(),
      this.apps.listDaemonSetForAllNamespaces(),
    ]);
    return [
      ...wire('Deployment', 'apps/v1', deployments.items),
      ...wire('ReplicaSet', 'apps/v1', replicaSets.items),
      ...wire('StatefulSet', 'apps/v1', statefulSets.items),
      ...wire('DaemonSet', 'apps/v1', daemonSets.items),
    ];
  }

  /**
   * A namespace being deleted refuses new objects until it is gone, and what the last run
   * removed (its namespaces, the agent's) is often still terminating when the next starts.
   */
  private async waitWhileTerminating(names: readonly string[], timeoutMs: number): Promise<void> {
    if (names.length === 0) return;
    const wanted = new Set(names);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const listed = await this.call('list namespaces', () => this.core.listNamespace());
      const leaving = listed.items.filter((ns) => wanted.has(ns.metadata?.name ?? '') && isTerminating(ns));
      if (leaving.length === 0) return;
      if (Date.now() > deadline) {
        throw new ClusterUnavailableError(
          `namespace ${leaving.map((ns) => ns.metadata?.name).join(', ')} still being deleted after ` +
            `${Math.round(timeoutMs / 1000)}s; a run can create nothing in it until it is gone`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async waitForPods(
    labelSelector: string,
    count: number,
    timeoutMs: number,
    what: string,
    namespace?: string,
  ): Promise<ReadonlyMap<string, LivePod>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = await this.call(`list ${what}`, () =>
        namespace
          ? this.core.listNamespacedPod({ namespace, labelSelector })
          : this.core.listPodForAllNamespaces({ labelSelector }),
      );
      const ready = list.items.filter((pod) => livePod(pod).ready);
      if (ready.length >= count) return new Map(ready.map((pod) => [podKey(pod), livePod(pod)]));
      // They run the agent image: one that cannot be pulled will not come, however long we wait.
      const unpullable = imagePullFailures(list.items);
      if (unpullable.length > 0) throw new ClusterUnavailableError(imagePullProblem(unpullable));
      if (Date.now() > deadline) {
        throw new ClusterUnavailableError(
          `${what} not Ready after ${Math.round(timeoutMs / 1000)}s: ${ready.length} of ${count} ready`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Any API failure is a cluster that cannot be used, named by what we were doing. */
  private async call<T>(doing: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ClusterUnavailableError) throw error;
      throw new ClusterUnavailableError(`could not ${doing} on ${this.name}: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
}

/** Objects in their wire form (see wire-object.ts), with the kind and version lists leave out. */
function wire(
  kind: string,
  apiVersion: string,
  items: readonly KubernetesObject[],
): Record<string, unknown>[] {
  const model = `V1${kind}`;
  return items.map((item) => ({ ...toWireObject(item, model), kind, apiVersion }));
}

function asManifestObject(context: string): (object: Record<string, unknown>) => ManifestObject {
  return (object) => ({ object, location: { file: `cluster ${context}`, line: 0, col: 0 } });
}

function isTerminating(object: KubernetesObject): boolean {
  return Boolean(object.metadata?.deletionTimestamp);
}

function isRunning(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && Boolean(pod.status.podIP) && !pod.metadata?.deletionTimestamp;
}

function livePod(pod: V1Pod): LivePod {
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return {
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(pod.status?.podIP ? { ip: pod.status.podIP } : {}),
    ready: ready && pod.status?.phase === 'Running',
  };
}

function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

/** The kubelet reports a command's exit code as a Failure status with an ExitCode cause. */
function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause?.message ? Number(cause.message) : 1;
}

/** stdin for the exec, once it is known (the exec opens first), or as it comes. */
async function* inputOf(stdin: ExecInput): AsyncGenerator<string> {
  if (typeof stdin === 'string' || stdin instanceof Promise) yield await stdin;
  else yield* stdin;
}

function collect(onText?: (text: string) => void): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  // A chunk may end inside a multi-byte character: the decoder holds it for the next one.
  const decoder = new StringDecoder('utf8');
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    if (onText) onText(decoder.write(chunk));
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number'
    ? error.code
    : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  // An exec's WebSocket fails with an ErrorEvent, not an Error: its message says why.
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string')
    return error.message;
  return String(error);
}
