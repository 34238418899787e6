/**
 * Kubernetes 1.21 labels every namespace `kubernetes.io/metadata.name=<name>`; 1.20
 * (Debian's build) does not. Policies written for today's clusters select namespaces by
 * that label, so on a server older than 1.21 the lab adds it itself: this small
 * controller watches namespaces and patches the label onto any that lacks it (or carries
 * a wrong value), as the 1.21 admission plugin would have set it. On 1.21 and later it
 * does nothing: the server's own label is the one under test.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1Namespace } from '@kubernetes/client-node';
import { serverVersion } from './ask-version.js';
import { labelsNamespaceNames } from './kubernetes-version.js';
import { NAMESPACE_NAME_LABEL } from '../../shared/index.js';
import { mergePatch, startInformer } from './client.js';

export interface NamespaceNameLabeler {
  /** False when the server labels namespaces itself and the labeler stayed off. */
  readonly active: boolean;
  stop(): Promise<void>;
}

/** Whether a namespace still needs the label written. */
export function lacksNameLabel(namespace: V1Namespace): boolean {
  const name = namespace.metadata?.name;
  if (name === undefined || namespace.metadata?.deletionTimestamp !== undefined) return false;
  return namespace.metadata?.labels?.[NAMESPACE_NAME_LABEL] !== name;
}

export async function startNamespaceNameLabeler(
  kubeConfig: KubeConfig,
  log: (message: string) => void,
): Promise<NamespaceNameLabeler> {
  const version = await serverVersion(kubeConfig);
  if (labelsNamespaceNames(version)) {
    log(`the API server (${version.gitVersion}) labels namespaces itself; the lab's labeler stays off`);
    return { active: false, stop: async () => undefined };
  }
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const label = async (namespace: V1Namespace): Promise<void> => {
    const name = namespace.metadata?.name;
    if (name === undefined || !lacksNameLabel(namespace)) return;
    const body = { metadata: { labels: { [NAMESPACE_NAME_LABEL]: name } } };
    try {
      await api.patchNamespace({ name, body }, mergePatch);
    } catch (error) {
      log(`could not label namespace ${name}: ${String(error)}`);
    }
  };
  const informer = await startInformer(kubeConfig, '/api/v1/namespaces', () => api.listNamespace(), {
    onChange: (namespace) => void label(namespace),
    onDelete: () => undefined,
    onError: (error) => log(`namespace watch: ${String(error)}`),
  });
  return { active: true, stop: () => informer.stop() };
}
