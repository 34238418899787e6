/**
 * Every kind of object an API server serves, found through discovery (`/api/v1`, `/apis`
 * and each group version's resources): what `clean` searches for leftovers, whatever a
 * suite's setup held (workloads, RBAC, cluster policies, custom resources). A group
 * version whose discovery fails (an aggregated API that is down) is named, not fatal.
 */
import { ApisApi, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig, V1APIResource } from '@kubernetes/client-node';
import { apiRequestError, messageOf } from './api-error.js';

export interface ServedKind {
  /** `v1`, `apps/v1`, `policy.networking.k8s.io/v1alpha1`. */
  readonly apiVersion: string;
  readonly kind: string;
  /** The resource's plural, as the API paths name it. */
  readonly plural: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

export interface ServedKinds {
  /** Each kind once (per group): in the group's preferred version when it serves it there. */
  readonly kinds: readonly ServedKind[];
  /** Group versions discovery could not read, with why. */
  readonly unreadable: readonly string[];
}

export async function servedKinds(kubeConfig: KubeConfig): Promise<ServedKinds> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const unreadable: string[] = [];
  const coreKinds = await core.getAPIResources().then(
    (list) => kindsOf('v1', list.resources),
    (error: unknown) => {
      throw apiRequestError({ verb: 'get', kind: 'APIResourceList', name: '/api/v1' }, error);
    },
  );
  const groups = await kubeConfig
    .makeApiClient(ApisApi)
    .getAPIVersions()
    .catch((error: unknown) => {
      throw apiRequestError({ verb: 'get', kind: 'APIGroupList', name: '/apis' }, error);
    });
  const byGroup = await Promise.all(
    groups.groups.map(async (group) => {
      // Preferred version first: a kind served in several versions is taken from it.
      const versions = [...group.versions].sort(
        (a, b) =>
          Number(b.version === group.preferredVersion?.version) -
          Number(a.version === group.preferredVersion?.version),
      );
      const listed = await Promise.all(
        versions.map(({ groupVersion, version }) =>
          custom.getAPIResources({ group: group.name, version }).then(
            (list) => kindsOf(groupVersion, list.resources),
            (error: unknown) => {
              unreadable.push(`${groupVersion} (${messageOf(error).split('\n')[0] ?? ''})`);
              return [];
            },
          ),
        ),
      );
      const seen = new Set<string>();
      return listed.flat().filter((kind) => !seen.has(kind.kind) && seen.add(kind.kind));
    }),
  );
  return { kinds: [...coreKinds, ...byGroup.flat()], unreadable: unreadable.sort() };
}

/** Resources, not subresources (`pods/exec`, `.../status`). */
function kindsOf(apiVersion: string, resources: readonly V1APIResource[]): ServedKind[] {
  return resources
    .filter((resource) => !resource.name.includes('/'))
    .map((resource) => ({
      apiVersion,
      kind: resource.kind,
      plural: resource.name,
      namespaced: resource.namespaced,
      verbs: resource.verbs,
    }));
}
