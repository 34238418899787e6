/**
 * Before a run creates anything: may the kubeconfig's user do what a run does? Each
 * permission of the runner's ClusterRole (run-permissions.ts) on a resource the cluster
 * serves is asked of the API server as a SelfSubjectAccessReview (which every
 * authenticated user may create); any refused stops the run (exit 3), each named. A
 * resource the cluster does not serve (Cilium's policies where Cilium is not installed) is
 * not read by a run, so not asked about.
 */
import { ApisApi, AuthorizationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import type { KubeConfig, V1ResourceAttributes } from '@kubernetes/client-node';
import { messageOf, requested, statusOf } from './api-error.js';
import type { ClusterNotice } from './cluster-notice.js';
import { ClusterUnavailableError } from './kube-cluster.js';
import { describePermission, permissionsOf, readClusterRole, RUNNER_ROLE_DOCS } from './run-permissions.js';
import type { ClusterRole, Permission } from './run-permissions.js';

/** Every verb on every resource of every group: what cluster-admin is granted. */
const ANYTHING: Permission = { verb: '*', group: '*', resource: '*' };

/** Resource names (`pods`, `pods/exec`) each group serves, in any version. */
type ServedResources = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Resolves when every needed permission is granted, with a warning when the API server
 * would not say (discovery or the review refused); throws ClusterUnavailableError naming
 * each missing permission, or when the API server cannot be reached.
 */
export async function checkRunAccess(kubeConfig: KubeConfig, role?: ClusterRole): Promise<ClusterNotice[]> {
  const context = kubeConfig.getCurrentContext();
  const permissions = permissionsOf((role ?? (await readClusterRole())).rules);
  let needed: Permission[];
  let allowed: boolean[];
  try {
    // A cluster administrator (kind's kubeconfig, the lab's) may do anything: one question instead of dozens.
    const [everything] = await reviewAccess(kubeConfig, [ANYTHING]);
    if (everything === true) return [];
    const served = await servedResources(kubeConfig, new Set(permissions.map((p) => p.group)));
    needed = permissions.filter((permission) => isServed(served, permission));
    allowed = await reviewAccess(kubeConfig, needed);
  } catch (error) {
    // The server answered but would not tell (RBAC that refuses even these): the run goes on, as before this check.
    if (statusOf(error) !== undefined) return [notChecked(error)];
    throw new ClusterUnavailableError(
      `could not check the run's permissions on ${context}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  const missing = needed.filter((_, index) => allowed[index] !== true);
  if (missing.length > 0) throw new ClusterUnavailableError(missingMessage(context, missing));
  return [];
}

/**
 * Whether each permission is granted: to the kubeconfig's own user (SelfSubjectAccessReview),
 * or to `user` (SubjectAccessReview, which the lab's administrator asks while it binds a role).
 */
export async function reviewAccess(
  kubeConfig: KubeConfig,
  permissions: readonly Permission[],
  user?: string,
): Promise<boolean[]> {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  return Promise.all(
    permissions.map(async (permission) => {
      const resourceAttributes = attributesOf(permission);
      const review =
        user === undefined
          ? await requested({ verb: 'create', kind: 'SelfSubjectAccessReview' }, () =>
              api.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes } } }),
            )
          : await requested({ verb: 'create', kind: 'SubjectAccessReview' }, () =>
              api.createSubjectAccessReview({ body: { spec: { resourceAttributes, user } } }),
            );
      return review.status?.allowed === true;
    }),
  );
}

function attributesOf(permission: Permission): V1ResourceAttributes {
  return {
    verb: permission.verb,
    group: permission.group,
    resource: permission.resource,
    ...(permission.subresource === undefined ? {} : { subresource: permission.subresource }),
    ...(permission.namespace === undefined ? {} : { namespace: permission.namespace }),
  };
}

/** Discovery, which every authenticated user may read: the core group's resources and each named group's. */
async function servedResources(
  kubeConfig: KubeConfig,
  groups: ReadonlySet<string>,
): Promise<ServedResources> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const [coreResources, apiGroups] = await Promise.all([
    requested({ verb: 'get', kind: 'APIResourceList', name: 'v1' }, () => core.getAPIResources()),
    requested({ verb: 'get', kind: 'APIGroupList', name: 'apis' }, () =>
      kubeConfig.makeApiClient(ApisApi).getAPIVersions(),
    ),
  ]);
  const served = new Map<string, Set<string>>([['', new Set(coreResources.resources.map((r) => r.name))]]);
  const listings = apiGroups.groups
    .filter((group) => groups.has(group.name))
    .flatMap((group) =>
      group.versions.map(async ({ version }) => {
        // A version that cannot be discovered (an aggregated API that is down) is not read by a run either.
        const list = await custom.getAPIResources({ group: group.name, version }).catch(() => undefined);
        const names = served.get(group.name) ?? new Set<string>();
        for (const resource of list?.resources ?? []) names.add(resource.name);
        served.set(group.name, names);
      }),
    );
  await Promise.all(listings);
  return served;
}

function isServed(served: ServedResources, permission: Permission): boolean {
  const name =
    permission.subresource === undefined
      ? permission.resource
      : `${permission.resource}/${permission.subresource}`;
  return served.get(permission.group)?.has(name) ?? false;
}

function missingMessage(context: string, missing: readonly Permission[]): string {
  return [
    `the user of ${context} may not do all a run does; nothing was created:`,
    ...missing.map((permission) => `  missing permission: ${describePermission(permission)}`),
    `the runner's ClusterRole grants them: agent/manifests/runner-clusterrole.yaml (${RUNNER_ROLE_DOCS})`,
  ].join('\n');
}

function notChecked(error: unknown): ClusterNotice {
  return {
    kind: 'warning',
    code: 'ACCESS_NOT_CHECKED',
    message: `could not check the run's permissions (${messageOf(error)}); a refused call stops the run later`,
  };
}
