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
  NetworkingV1Api,
  type KubeConfig,
  type KubernetesObject,
  type V1DaemonSet,
  type V1Node,
  type V1Pod,
  type V1Status,
} from '@kubernetes/client-node';
import type { Namespace } from '../policy/index.js';
import { assertNever } from '../shared/index.js';
import {
  AGENT_NAMESPACE,
  PROBE_LABEL,
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
import { agentObjects, AGENT_NAME, runNamespaceManifest, runPodManifest } from './run-manifests.js';
import { messageOf, requested, statusOf } from './api-error.js';
import { NamespaceClaims } from './namespace-claims.js';
import { notReadyNodes } from './node-readiness.js';
import { API_RETRY_MS, apiClientWithRetry, retryUndelivered } from './transient-retry.js';
import { waitForAgents } from './wait-for-agents.js';
import { ClusterUnavailableError } from './cluster-unavailable.js';
import { loadKubeconfig } from './load-kubeconfig.js';
import type { Retry, RetryOptions } from './transient-retry.js';

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
  /** How long a request may fail transiently (refused, reset, 429, 5xx) before the run gives up; 30 s unless said. */
  readonly retryForMs?: number;
}

// The cluster could not be used (exit 3); its own file, so that loading the kubeconfig can throw it too.
export { ClusterUnavailableError };

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
  /** How requests that fail transiently are sent again (transient-retry.ts). */
  private readonly retrying: RetryOptions;
  /** A run reads the cluster more than once (generated cases, then the plan): each notice is told once. */
  private readonly told = new Set<string>();

  /** `kubeConfig` is what the cluster was reached with: recipe packs apply their objects through it. */
  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly onNotice: (notice: ClusterNotice) => void = () => undefined,
    retryForMs = API_RETRY_MS,
  ) {
    this.name = kubeConfig.getCurrentContext();
    const onRetry = (retry: Retry): void =>
      this.tell([
        {
          kind: 'note',
          message: `the API server did not answer (${retry.reason}): trying again for up to ${retryForMs / 1000}s`,
        },
      ]);
    const retrying = { retryForMs, statuses: 'transient', onRetry } as const;
    this.retrying = retrying;
    this.core = apiClientWithRetry(kubeConfig, CoreV1Api, retrying);
    this.apps = apiClientWithRetry(kubeConfig, AppsV1Api, retrying);
    this.networking = apiClientWithRetry(kubeConfig, NetworkingV1Api, retrying);
    // Discovery and other projects' policies: an aggregated API that is down answers 503 for
    // good, and costs a warning, not a wait; only a connection that failed is tried again.
    const connectionOnly = { ...retrying, statuses: 'connection-only' } as const;
    this.apis = apiClientWithRetry(kubeConfig, ApisApi, connectionOnly);
    this.custom = apiClientWithRetry(kubeConfig, CustomObjectsApi, connectionOnly);
    this.exec = new Exec(kubeConfig);
  }

  /** kubectl's rules: --kubeconfig, else $KUBECONFIG, else ~/.kube/config; --context else current. */
  static connect(options: KubeClusterOptions): KubeCluster {
    // Every problem of the kubeconfig (none found, not YAML, a missing context, cluster,
    // user or file, an expired certificate) is told here, before any request.
    return new KubeCluster(loadKubeconfig(options), options.onNotice, options.retryForMs);
  }

  async snapshot(): Promise<ClusterSnapshot> {
    const [namespaces, nodes, pods, services, policies, workloads, otherPolicies] = await this.call(
      'read the cluster',
      () =>
        Promise.all([
          requested({ verb: 'list', kind: 'Namespace' }, () => this.core.listNamespace()),
          requested({ verb: 'list', kind: 'Node' }, () => this.core.listNode()),
          requested({ verb: 'list', kind: 'Pod' }, () => this.core.listPodForAllNamespaces()),
          requested({ verb: 'list', kind: 'Service' }, () => this.core.listServiceForAllNamespaces()),
          requested({ verb: 'list', kind: 'NetworkPolicy' }, () =>
            this.networking.listNetworkPolicyForAllNamespaces(),
          ),
          this.listWorkloads(),
          // Cluster policies and other projects' policies: warnings, never a failure.
          readPolicyObjects(this.apis, this.custom),
        ]),
    );
    // Left out of what is tested: a namespace being deleted (a run can put nothing in it),
    // the agent's own, which probes must never be planned into, and what runs made to
    // probe with (another run's probe pods and namespaces, here now and gone when it ends).
    const excluded = new Set(
      namespaces.items.filter((ns) => isTerminating(ns) || isProbeObject(ns)).map((ns) => ns.metadata?.name),
    );
    excluded.add(AGENT_NAMESPACE);
    const tested = namespaces.items.filter((ns) => !excluded.has(ns.metadata?.name));
    const running = pods.items.filter(
      (pod) => isRunning(pod) && !isProbeObject(pod) && !excluded.has(pod.metadata?.namespace),
    );
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
    return { state, pods: live, notReadyNodes: notReadyNodes(nodes.items) };
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
    // The runner passes only namespaces its snapshot did not hold (nor other runs' probe
    // namespaces): one another run made for probes is shared by claim; one created since
    // by anyone else is not ours to label or remove.
    const claims = new NamespaceClaims(this.core, runId);
    await this.call('create the run namespaces', () =>
      Promise.all(
        namespaces.map((ns) =>
          claims.claim(runNamespaceManifest(ns, runId), { shared: isProbeObject, timeoutMs }),
        ),
      ),
    );
    if (pods.length === 0) return new Map();
    const manifests = pods.map((spec) => ({ spec, body: runPodManifest(spec, runId, image) }));
    await this.call('create the probe pods', () =>
      Promise.all(
        manifests.map(({ spec, body }) =>
          requested(
            { verb: 'create', kind: 'Pod', namespace: spec.pod.namespace, name: body.metadata?.name ?? '' },
            () => this.core.createNamespacedPod({ namespace: spec.pod.namespace, body }),
          ),
        ),
      ),
    );
    const live = await this.waitForPods(
      `${RUN_LABEL}=${runId},${PROBE_LABEL}`,
      pods.length,
      timeoutMs,
      'probe pods',
    );
    // By the plan's name (the pod the planner made up), as the agents runner looks them up.
    const planned = new Map<string, LivePod>();
    for (const { spec, body } of manifests) {
      const pod = live.get(`${spec.pod.namespace}/${body.metadata?.name ?? ''}`);
      if (pod) planned.set(`${spec.pod.namespace}/${spec.pod.name}`, pod);
    }
    return planned;
  }

  async ensureAgent(
    runId: string,
    image: string,
    timeoutMs: number,
    wanted?: Promise<ReadonlySet<string>>,
  ): Promise<ReadonlyMap<string, AgentPod>> {
    await this.waitWhileTerminating([AGENT_NAMESPACE], timeoutMs);
    // The run's claim first: no run that ends meanwhile removes the agent under this one.
    const { namespace, daemonSet } = await this.call('install the agent', () => agentObjects(image));
    await this.call('install the agent', () =>
      new NamespaceClaims(this.core, runId).claim(namespace, { shared: () => true, timeoutMs }),
    );
    const [present, nodes] = await this.call('look for the agent', () =>
      Promise.all([
        requested({ verb: 'get', kind: 'DaemonSet', namespace: AGENT_NAMESPACE, name: AGENT_NAME }, () =>
          this.apps.readNamespacedDaemonSet({ name: AGENT_NAME, namespace: AGENT_NAMESPACE }),
        ).then(
          () => true,
          (error: unknown) => (statusOf(error) === 404 ? false : Promise.reject(error)),
        ),
        requested({ verb: 'list', kind: 'Node' }, () => this.core.listNode()).then((list) => list.items),
      ]),
    );
    if (!present) await this.installAgent(daemonSet);
    return this.agentPods(nodes, wanted, timeoutMs);
  }

  /** The Ready agent pod of each node the run waits for (see waitForAgents). */
  private async agentPods(
    nodes: readonly V1Node[],
    wanted: Promise<ReadonlySet<string>> | undefined,
    timeoutMs: number,
  ): Promise<ReadonlyMap<string, AgentPod>> {
    const labelSelector = `app.kubernetes.io/name=${AGENT_NAME}`;
    const list = async (): Promise<V1Pod[]> =>
      (
        await this.call('list agent pods', () =>
          requested({ verb: 'list', kind: 'Pod', labelSelector, namespace: AGENT_NAMESPACE }, () =>
            this.core.listNamespacedPod({ namespace: AGENT_NAMESPACE, labelSelector }),
          ),
        )
      ).items;
    const outcome = await waitForAgents({
      nodes,
      ...(wanted ? { wanted } : {}),
      list,
      live: livePod,
      timeoutMs,
      pollMs: POLL_MS,
    });
    switch (outcome.kind) {
      case 'ready':
        return outcome.agents;
      case 'unpullable':
        throw new ClusterUnavailableError(imagePullProblem(outcome.failures));
      case 'none-ready':
        throw new ClusterUnavailableError(
          `agent pods not Ready after ${Math.round(timeoutMs / 1000)}s on any of ${outcome.awaited.join(', ')}`,
        );
      default:
        return assertNever(outcome);
    }
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
      const open = () =>
        this.exec.exec(
          agent.namespace,
          agent.name,
          'agent',
          [...argv],
          stdout.stream,
          stderr.stream,
          Readable.from(inputOf(stdin)),
          false,
          resolve,
        );
      // An exec refused before it opened sent nothing: it can be opened again, as an API request.
      retryUndelivered(open, { method: 'exec', url: `${agent.namespace}/${agent.name}` }, this.retrying)
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
      const pods = await requested({ verb: 'list', kind: 'Pod', labelSelector: selector }, () =>
        this.core.listPodForAllNamespaces({ labelSelector: selector }),
      );
      const namespaces = new Set(pods.items.map((pod) => pod.metadata?.namespace ?? 'default'));
      await Promise.all(
        [...namespaces].map((namespace) =>
          requested({ verb: 'deletecollection', kind: 'Pod', namespace, labelSelector: selector }, () =>
            this.core.deleteCollectionNamespacedPod({
              namespace,
              labelSelector: selector,
              gracePeriodSeconds: 0,
            }),
          ),
        ),
      );
      if (runId === undefined) await this.deleteNamespaces(RUN_LABEL);
      else await this.releaseProbeNamespaces(runId);
    });
  }

  async releaseAgent(runId: string, options: { readonly remove: boolean }): Promise<void> {
    const released = await this.call('remove the agent', () =>
      new NamespaceClaims(this.core, runId).release(AGENT_NAMESPACE, options),
    );
    if (released === 'removed') await this.deletePodsOnNotReadyNodes([AGENT_NAMESPACE]);
  }

  async removeAgent(): Promise<void> {
    await this.call('remove the agent', () => this.deleteNamespace(AGENT_NAMESPACE));
    await this.deletePodsOnNotReadyNodes([AGENT_NAMESPACE]);
  }

  /** The probe namespaces this run claims: each removed once no other run claims it. */
  private async releaseProbeNamespaces(runId: string): Promise<void> {
    const claims = new NamespaceClaims(this.core, runId);
    const probeNamespaces = await requested(
      { verb: 'list', kind: 'Namespace', labelSelector: PROBE_LABEL },
      () => this.core.listNamespace({ labelSelector: PROBE_LABEL }),
    );
    const claimed = probeNamespaces.items.filter((ns) => claims.holds(ns));
    await Promise.all(claimed.map((ns) => claims.release(ns.metadata?.name ?? '', { remove: true })));
  }

  /** `clean`: every namespace with the label, whoever claims it. */
  private async deleteNamespaces(labelSelector: string): Promise<void> {
    const owned = await requested({ verb: 'list', kind: 'Namespace', labelSelector }, () =>
      this.core.listNamespace({ labelSelector }),
    );
    await Promise.all(owned.items.map((ns) => this.deleteNamespace(ns.metadata?.name ?? '')));
  }

  /** Deletes a namespace; one already gone is fine. */
  private async deleteNamespace(name: string): Promise<void> {
    await requested({ verb: 'delete', kind: 'Namespace', name }, () =>
      this.core.deleteNamespace({ name, gracePeriodSeconds: 0 }),
    ).catch((error: unknown) => {
      if (statusOf(error) !== 404) throw error;
    });
  }

  /** The agent's DaemonSet; one another run made meanwhile (409) is the same agent, taken as it is. */
  private async installAgent(daemonSet: V1DaemonSet): Promise<void> {
    await this.call('install the agent', () =>
      requested({ verb: 'create', kind: 'DaemonSet', namespace: AGENT_NAMESPACE, name: AGENT_NAME }, () =>
        this.apps.createNamespacedDaemonSet({ namespace: AGENT_NAMESPACE, body: daemonSet }),
      ).catch((error: unknown) => {
        if (statusOf(error) !== 409) throw error;
      }),
    );
  }

  private async listWorkloads(): Promise<Record<string, unknown>[]> {
    const [deployments, replicaSets, statefulSets, daemonSets] = await Promise.all([
      requested({ verb: 'list', kind: 'Deployment' }, () => this.apps.listDeploymentForAllNamespaces()),
      requested({ verb: 'list', kind: 'ReplicaSet' }, () => this.apps.listReplicaSetForAllNamespaces()),
      requested({ verb: 'list', kind: 'StatefulSet' }, () => this.apps.listStatefulSetForAllNamespaces()),
      requested({ verb: 'list', kind: 'DaemonSet' }, () => this.apps.listDaemonSetForAllNamespaces()),
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
  /**
   * A node that is not Ready never confirms that its pods are gone, so a namespace with a
   * pod there stays Terminating for good, and the next run waits out --ready-timeout for
   * it. Such pods of ours (the agent's, the probe pods) are deleted at once, as `kubectl
   * delete --force` does; their containers go when the node comes back.
   */
  private async deletePodsOnNotReadyNodes(namespaces: readonly string[]): Promise<void> {
    await this.call('remove pods from nodes that are not Ready', async () => {
      const nodes = await requested({ verb: 'list', kind: 'Node' }, () => this.core.listNode());
      const notReady = notReadyNodes(nodes.items);
      if (notReady.size === 0) return;
      const lists = await Promise.all(
        namespaces.map((namespace) =>
          requested({ verb: 'list', kind: 'Pod', namespace }, () =>
            this.core.listNamespacedPod({ namespace }),
          ),
        ),
      );
      const stuck = lists
        .flatMap((list) => list.items)
        .filter((pod) => notReady.has(pod.spec?.nodeName ?? ''));
      await Promise.all(
        stuck.map((pod) => {
          const name = pod.metadata?.name ?? '';
          const namespace = pod.metadata?.namespace ?? '';
          return requested({ verb: 'delete', kind: 'Pod', namespace, name }, () =>
            this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }),
          ).catch((error: unknown) => {
            if (statusOf(error) !== 404) throw error;
          });
        }),
      );
    });
  }

  private async waitWhileTerminating(names: readonly string[], timeoutMs: number): Promise<void> {
    if (names.length === 0) return;
    const wanted = new Set(names);
    const deadline = Date.now() + timeoutMs;
    let unstuck = false;
    for (;;) {
      const listed = await this.call('list namespaces', () =>
        requested({ verb: 'list', kind: 'Namespace' }, () => this.core.listNamespace()),
      );
      const leaving = listed.items.filter((ns) => wanted.has(ns.metadata?.name ?? '') && isTerminating(ns));
      if (leaving.length === 0) return;
      if (!unstuck) await this.deletePodsOnNotReadyNodes(leaving.map((ns) => ns.metadata?.name ?? ''));
      unstuck = true;
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
        requested({ verb: 'list', kind: 'Pod', labelSelector, ...(namespace ? { namespace } : {}) }, () =>
          namespace
            ? this.core.listNamespacedPod({ namespace, labelSelector })
            : this.core.listPodForAllNamespaces({ labelSelector }),
        ),
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

/** A probe pod or namespace, of this run or any other: the probe label says so. */
function isProbeObject(object: KubernetesObject): boolean {
  return object.metadata?.labels?.[PROBE_LABEL] !== undefined;
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

/** The output kept for the result, or, when `onText` reads it as it comes, handed over only: a large run's agent output is not held twice. */
function collect(onText?: (text: string) => void): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  // A chunk may end inside a multi-byte character: the decoder holds it for the next one.
  const decoder = new StringDecoder('utf8');
  stream.on('data', (chunk: Buffer) => {
    if (onText) onText(decoder.write(chunk));
    else chunks.push(chunk);
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
