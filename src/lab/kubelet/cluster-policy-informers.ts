/**
 * The lab's node agent watches the cluster policies it enforces, as a plugin's agent
 * does: ClusterNetworkPolicy (v1alpha2), AdminNetworkPolicy and BaselineAdminNetworkPolicy
 * (v1alpha1), each from the CRDs the lab's control plane installs. A resource the API
 * server does not serve (its CRD missing) is not watched, and said so once.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { apiStatusCode, startInformer } from '../control-plane/index.js';
import type { InformerHandlers, RunningInformer } from '../control-plane/index.js';
import type { ClusterPolicyObject } from '../enforcer/index.js';

const GROUP = 'policy.networking.k8s.io';
const RESOURCES = [
  { version: 'v1alpha2', plural: 'clusternetworkpolicies' },
  { version: 'v1alpha1', plural: 'adminnetworkpolicies' },
  { version: 'v1alpha1', plural: 'baselineadminnetworkpolicies' },
] as const;

export interface ClusterPolicyInformers {
  /** Every watched object, plain JSON. */
  list(): ClusterPolicyObject[];
  stop(): Promise<void>;
}

export async function watchClusterPolicies(
  kubeConfig: KubeConfig,
  handlers: InformerHandlers<KubernetesObject>,
  log: (message: string) => void,
): Promise<ClusterPolicyInformers> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const running: RunningInformer<KubernetesObject>[] = [];
  try {
    for (const { version, plural } of RESOURCES) {
      const list = async (): Promise<KubernetesListObject<KubernetesObject>> =>
        (await custom.listClusterCustomObject({
          group: GROUP,
          version,
          plural,
        })) as KubernetesListObject<KubernetesObject>;
      try {
        await list();
      } catch (error) {
        if (apiStatusCode(error) !== 404) throw error;
        log(`${plural}.${GROUP}/${version} is not served: not enforced`);
        continue;
      }
      running.push(await startInformer(kubeConfig, `/apis/${GROUP}/${version}/${plural}`, list, handlers));
    }
  } catch (error) {
    await Promise.all(running.map((informer) => informer.stop()));
    throw error;
  }
  return {
    list: () => running.flatMap((informer) => informer.cache.list().map(asClusterPolicy)),
    stop: async () => {
      await Promise.all(running.map((informer) => informer.stop()));
    },
  };
}

/** Custom objects come as plain JSON; only the name is taken for granted. */
function asClusterPolicy(object: KubernetesObject): ClusterPolicyObject {
  const plain = object as KubernetesObject & { spec?: unknown };
  return {
    ...(plain.apiVersion === undefined ? {} : { apiVersion: plain.apiVersion }),
    ...(plain.kind === undefined ? {} : { kind: plain.kind }),
    metadata: { name: plain.metadata?.name ?? '' },
    spec: plain.spec,
  };
}
