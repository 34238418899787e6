/**
 * A suite's `setup:` manifests in a live cluster, around a run: applied server-side, their
 * workloads and Pods waited for, and removed after the run. Every object the run creates
 * carries the run label (as its probe pods do), so `netpol-assert clean` finds what a
 * killed run left. An object that was there before the run is applied too, so the cluster
 * holds what the suite needs, but it is not the run's: it is neither labelled nor removed.
 */
import { KubernetesObjectApi } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ManifestObject } from '../manifests/index.js';
import { MANAGED_BY, MANAGED_BY_LABEL, RUN_LABEL, RunInterrupted } from '../probe/index.js';
import { formatProblem } from '../shared/index.js';
import { applyObjects } from './apply-objects.js';
import { apiRequestError, messageOf, requested, statusOf } from './api-error.js';
import type { ApiRequest } from './api-error.js';
import { servedKinds } from './served-kinds.js';
import type { AppliedObject } from './apply-objects.js';
import { ClusterUnavailableError } from './kube-cluster.js';
import { waitForPods } from './wait-for-pods.js';

export interface SetupOptions {
  readonly readyTimeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface SetupApplied {
  /** Made by this run, labelled with it; removed by `remove`. */
  readonly created: readonly AppliedObject[];
  /** There before the run: applied, left in place. */
  readonly kept: readonly AppliedObject[];
  readonly readyAfterMs: number;
}

const POLL_MS = 500;

/** The setup objects of one run: applied once, removed once (what was applied of them, also after a failure). */
export class SetupObjects {
  private readonly client: KubernetesObjectApi;
  private readonly made: AppliedObject[] = [];

  constructor(
    private readonly kubeConfig: KubeConfig,
    readonly runId: string,
  ) {
    this.client = KubernetesObjectApi.makeApiClient(kubeConfig);
  }

  /** What this run made so far: what `remove` deletes. */
  get created(): readonly AppliedObject[] {
    return this.made;
  }

  /**
   * Applies the objects (what is new first, labelled with the run), then waits until
   * their workloads and Pods are Ready. Throws ClusterUnavailableError when the cluster
   * refuses one or they are not Ready in time, RunInterrupted on the signal; what was
   * made by then is in `created` either way.
   */
  async apply(objects: readonly ManifestObject[], options: SetupOptions): Promise<SetupApplied> {
    const started = Date.now();
    await this.waitWhileTerminating(namespacesOf(objects), options);
    const fresh: ManifestObject[] = [];
    const present: ManifestObject[] = [];
    for (const manifest of objects) ((await this.isOurs(manifest)) ? fresh : present).push(manifest);
    checkAborted(options.signal);
    const made = await applyObjects(
      this.kubeConfig,
      fresh.map((manifest) => this.labelled(manifest)),
    );
    this.made.push(...made.applied);
    const updated = made.ok ? await applyObjects(this.kubeConfig, present) : made;
    if (!updated.ok)
      throw new ClusterUnavailableError(
        `the cluster refused the suites' setup objects:\n${updated.problems.map(formatProblem).join('\n')}`,
      );
    const kept = updated === made ? [] : updated.applied;
    checkAborted(options.signal);
    const remaining = Math.max(0, options.readyTimeoutMs - (Date.now() - started));
    const waited = await waitForPods(this.kubeConfig, [...this.made, ...kept], remaining, {
      scope: 'applied',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    checkAborted(options.signal);
    if (!waited.ok)
      throw new ClusterUnavailableError(
        `the suites' setup not Ready after ${Math.round(options.readyTimeoutMs / 1000)}s:\n  ${waited.waiting.join('\n  ')}`,
      );
    return { created: [...this.made], kept, readyAfterMs: Date.now() - started };
  }

  /**
   * Deletes what this run made, namespaced objects first, then namespaces; one already
   * gone is fine. The deletions are started, not waited for: a namespace terminates for a
   * while, and the next run's `apply` waits for it.
   */
  async remove(): Promise<void> {
    const objects = [
      ...this.made.filter((object) => object.kind !== 'Namespace'),
      ...this.made.filter((object) => object.kind === 'Namespace'),
    ];
    const failures: string[] = [];
    for (const object of objects) {
      await this.client
        .delete(specOf(object), undefined, undefined, 0, undefined, 'Background')
        .catch((error: unknown) => {
          if (statusOf(error) !== 404) failures.push(refusal('delete', object, error));
        });
    }
    this.made.length = 0;
    if (failures.length > 0)
      throw new ClusterUnavailableError(`could not remove the setup objects: ${failures.join('; ')}`);
  }

  /** Missing, or left by an earlier run that was killed (it carries a run label): this run's to make and remove. */
  private async isOurs(manifest: ManifestObject): Promise<boolean> {
    try {
      const found = await this.client.read(specOf(identityOf(manifest)));
      return found.metadata?.labels?.[RUN_LABEL] !== undefined;
    } catch (error) {
      if (statusOf(error) === 404) return true;
      // A kind the cluster does not serve: applying it says so, at its file and line.
      if (error instanceof Error && /Unrecognized API version and kind/.test(error.message)) return true;
      throw new ClusterUnavailableError(`could not ${refusal('get', identityOf(manifest), error)}`, {
        cause: error,
      });
    }
  }

  private labelled(manifest: ManifestObject): ManifestObject {
    const metadata = (manifest.object.metadata ?? {}) as Record<string, unknown>;
    const labels = {
      ...(metadata.labels as Record<string, string> | undefined),
      [RUN_LABEL]: this.runId,
      [MANAGED_BY_LABEL]: MANAGED_BY,
    };
    return { ...manifest, object: { ...manifest.object, metadata: { ...metadata, labels } } };
  }

  /** A namespace a removed run left terminating refuses new objects until it is gone. */
  private async waitWhileTerminating(names: readonly string[], options: SetupOptions): Promise<void> {
    const deadline = Date.now() + options.readyTimeoutMs;
    for (;;) {
      const leaving = await this.terminating(names);
      if (leaving.length === 0) return;
      checkAborted(options.signal);
      if (Date.now() > deadline)
        throw new ClusterUnavailableError(
          `namespace ${leaving.join(', ')} still being deleted after ${Math.round(options.readyTimeoutMs / 1000)}s`,
        );
      await sleep(POLL_MS);
    }
  }

  private async terminating(names: readonly string[]): Promise<string[]> {
    const states = await Promise.all(
      names.map((name) =>
        this.client.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).then(
          (namespace) => namespace.metadata?.deletionTimestamp !== undefined,
          (error: unknown) =>
            statusOf(error) === 404
              ? false
              : Promise.reject(
                  new ClusterUnavailableError(
                    `could not ${refusal('get', { apiVersion: 'v1', kind: 'Namespace', name }, error)}`,
                  ),
                ),
        ),
      ),
    );
    return names.filter((_, index) => states[index]);
  }
}

/** What `clean` removed, and the kinds it could not search (a listing refused). */
export interface LeftoversRemoved {
  /** `Kind namespace/name`, in the order deleted. */
  readonly removed: readonly string[];
  /** `apiVersion Kind: why`, and group versions discovery could not read. */
  readonly notSearched: readonly string[];
}

/**
 * `clean`: the objects every run (or the one named) left with its run label, of every
 * kind the API server serves (a setup's workloads, Services, ConfigMaps, RBAC, cluster
 * policies, custom resources), found through discovery. Pods and Namespaces are left to
 * KubeCluster.removeRunObjects, which removes them after these. A kind whose listing is
 * refused (a least-privilege user) is named in `notSearched`, not a failure.
 */
export async function removeSetupLeftovers(
  kubeConfig: KubeConfig,
  runId?: string,
): Promise<LeftoversRemoved> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const selector = runId === undefined ? RUN_LABEL : `${RUN_LABEL}=${runId}`;
  const served = await servedKinds(kubeConfig);
  const searched = served.kinds.filter(
    (kind) =>
      kind.verbs.includes('list') &&
      kind.verbs.includes('delete') &&
      !(kind.apiVersion === 'v1' && (kind.kind === 'Pod' || kind.kind === 'Namespace')),
  );
  const notSearched = [...served.unreadable];
  const listed = await Promise.all(
    searched.map(({ apiVersion, kind }) =>
      requested({ verb: 'list', kind, labelSelector: selector }, () =>
        client.list(apiVersion, kind, undefined, undefined, undefined, undefined, undefined, selector),
      ).then(
        (list) => list.items.map((item) => leftover(apiVersion, kind, item)),
        (error: unknown) => {
          if (![403, 404, 405].includes(statusOf(error) ?? 0))
            throw new ClusterUnavailableError(`could not look for leftovers: ${messageOf(error)}`, {
              cause: error,
            });
          notSearched.push(`${apiVersion} ${kind}: ${messageOf(error)}`);
          return [];
        },
      ),
    ),
  );
  const removed: string[] = [];
  for (const object of listed.flat()) {
    await requested(
      {
        verb: 'delete',
        kind: object.kind,
        name: object.name,
        ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
      },
      () => client.delete(specOf(object), undefined, undefined, 0, undefined, 'Background'),
    ).catch((error: unknown) => {
      if (statusOf(error) !== 404)
        throw new ClusterUnavailableError(`could not remove a leftover: ${messageOf(error)}`, {
          cause: error,
        });
    });
    removed.push(describe(object));
  }
  return { removed, notSearched };
}

function leftover(apiVersion: string, kind: string, item: KubernetesObject): AppliedObject {
  return {
    apiVersion,
    kind,
    name: item.metadata?.name ?? '',
    ...(item.metadata?.namespace === undefined ? {} : { namespace: item.metadata.namespace }),
  };
}

/** The namespaces the objects are or live in; one left out means the client's default. */
function namespacesOf(objects: readonly ManifestObject[]): string[] {
  const names = objects.map((manifest) => {
    const metadata = (manifest.object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    if (manifest.object.kind === 'Namespace') return String(metadata.name);
    return typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  });
  return [...new Set(names.filter((name) => name !== undefined))];
}

function identityOf(manifest: ManifestObject): AppliedObject {
  const metadata = (manifest.object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return {
    apiVersion: String(manifest.object.apiVersion),
    kind: String(manifest.object.kind),
    name: String(metadata.name),
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
  };
}

/** What the client needs to find one object: its version, kind, name and namespace. */
interface ObjectHeader extends KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string };
}

function specOf(object: AppliedObject): ObjectHeader {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: {
      name: object.name,
      ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
    },
  };
}

/** The request and the server's reason in words (`get NetworkPolicy default/x: ... (Forbidden, HTTP 403)`), never its raw body. */
function refusal(verb: ApiRequest['verb'], object: AppliedObject, error: unknown): string {
  const request = {
    verb,
    kind: object.kind,
    name: object.name,
    ...(object.namespace === undefined ? {} : { namespace: object.namespace }),
  };
  return apiRequestError(request, error).message;
}

function describe(object: AppliedObject): string {
  return `${object.kind} ${object.namespace === undefined ? '' : `${object.namespace}/`}${object.name}`;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunInterrupted('interrupted');
}
