/**
 * Talking to the lab's API server from inside the lab (the supervisor, the emulated
 * kubelet, the namespace labeler): a KubeConfig from the admin kubeconfig, informers that
 * come back after a dropped watch, and the status code of a failed call.
 */
import {
  ApiException,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { KubernetesObject, ListPromise, ObjectCache } from '@kubernetes/client-node';

export function labKubeConfig(kubeconfigPath: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  return kubeConfig;
}

/** The HTTP status of a failed API call, or undefined for any other failure. */
export function apiStatusCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** Request options that make a `patch…` call a JSON merge patch. */
export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface InformerHandlers<T> {
  /** Added or changed. */
  readonly onChange: (object: T) => void;
  readonly onDelete: (object: T) => void;
  readonly onError: (error: unknown) => void;
}

export interface RunningInformer<T> {
  readonly cache: ObjectCache<T>;
  stop(): Promise<void>;
}

const RESTART_DELAY_MS = 1_000;

/**
 * List-then-watch `path` into a cache. client-node's informer stops on a watch error;
 * this one starts again after a second, until `stop`.
 */
export async function startInformer<T extends KubernetesObject>(
  kubeConfig: KubeConfig,
  path: string,
  list: ListPromise<T>,
  handlers: InformerHandlers<T>,
): Promise<RunningInformer<T>> {
  const informer = makeInformer(kubeConfig, path, list);
  let stopped = false;
  let restart: NodeJS.Timeout | undefined;
  informer.on('add', handlers.onChange);
  informer.on('update', handlers.onChange);
  informer.on('delete', handlers.onDelete);
  informer.on('error', (error: unknown) => {
    if (stopped) return;
    handlers.onError(error);
    restart = setTimeout(() => void informer.start().catch(handlers.onError), RESTART_DELAY_MS);
  });
  await informer.start();
  return {
    cache: informer,
    stop: async () => {
      stopped = true;
      clearTimeout(restart);
      await informer.stop();
    },
  };
}
