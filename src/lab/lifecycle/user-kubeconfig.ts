/**
 * `lab kubeconfig --user NAME [--role FILE]`: a kubeconfig for a user of a running lab
 * bound to exactly one ClusterRole (by default the runner's, agent/manifests/
 * runner-clusterrole.yaml), to run netpol-assert as a least-privileged identity would: a
 * client certificate the lab's CA signs for the user (in no group), the role and one
 * ClusterRoleBinding applied by the lab's administrator, and a wait until the API server
 * grants what the role says, so that a run right after sees the role in force.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { KubeConfig, V1ClusterRoleBinding } from '@kubernetes/client-node';
import {
  applyObjects,
  describePermission,
  permissionsOf,
  readClusterRole,
  reviewAccess,
  RUNNER_CLUSTER_ROLE,
} from '../../cluster/index.js';
import type { ClusterRole } from '../../cluster/index.js';
import {
  apiStatusCode,
  controlPlanePaths,
  createUserCertificate,
  labCaFiles,
  labKubeConfig,
  writeKubeconfig,
} from '../control-plane/index.js';
import { isDnsLabel, labPaths } from '../names/index.js';
import type { LabPaths } from '../names/index.js';
import { LAB_FIELD_MANAGER } from './apply-to-lab.js';
import { badInput, nameProblem, readyLab, unavailable } from './failure.js';
import type { LabFailure, Progress } from './failure.js';

export interface LabUserOptions {
  readonly lab: string;
  /** The certificate's common name, which RBAC knows as a User. */
  readonly user: string;
  /** A file holding one ClusterRole; default: the runner's. */
  readonly role?: string;
  /** Where to write the kubeconfig; default: users/NAME.kubeconfig in the lab's state folder. */
  readonly output?: string;
  readonly stateRoot?: string;
  readonly progress: Progress;
}

export interface LabUser {
  readonly ok: true;
  readonly kubeconfig: string;
  /** The ClusterRole the user is bound to, and how many permissions it grants. */
  readonly role: string;
  readonly permissions: number;
}

const GRANTED_WITHIN_MS = 30_000;
const POLL_MS = 200;

export async function labUserKubeconfig(options: LabUserOptions): Promise<LabUser | LabFailure> {
  const badName = nameProblem(options.lab);
  if (badName !== undefined) return badName;
  if (!isDnsLabel(options.user))
    return badInput([
      `--user '${options.user}' must be a DNS label: up to 63 lowercase letters, digits and '-'`,
    ]);
  let role: ClusterRole;
  try {
    role = await readClusterRole(options.role ?? RUNNER_CLUSTER_ROLE);
  } catch (error) {
    return badInput([`--role ${error instanceof Error ? error.message : String(error)}`]);
  }
  const paths = labPaths(options.lab, options.stateRoot);
  const ready = await readyLab(options.lab, paths);
  if (!ready.ok) return ready;
  const admin = labKubeConfig(paths.kubeconfig);
  try {
    const kubeconfig = await writeUserKubeconfig(paths, admin, options);
    options.progress(`binding user ${options.user} to ClusterRole ${role.name}`);
    await bindRole(admin, role, options.user, options.role ?? RUNNER_CLUSTER_ROLE.pathname);
    await waitUntilGranted(admin, role, options.user);
    return { ok: true, kubeconfig, role: role.name, permissions: permissionsOf(role.rules).length };
  } catch (error) {
    return unavailable(error instanceof Error ? error.message : String(error));
  }
}

/** The user's certificate (a new one each time) beside the kubeconfig that embeds it. */
async function writeUserKubeconfig(
  paths: LabPaths,
  admin: KubeConfig,
  options: LabUserOptions,
): Promise<string> {
  const users = join(paths.root, 'users');
  await mkdir(users, { recursive: true, mode: 0o700 });
  const ca = labCaFiles(controlPlanePaths(paths.root).pki);
  const client = await createUserCertificate(users, options.user, ca);
  const server = admin.getCurrentCluster()?.server;
  if (server === undefined) throw new Error(`the lab's kubeconfig ${paths.kubeconfig} names no server`);
  const kubeconfig = options.output ?? join(users, `${options.user}.kubeconfig`);
  const name = `${admin.getCurrentContext()}-${options.user}`;
  await writeKubeconfig(kubeconfig, { name, server, caCert: ca.cert, client });
  return kubeconfig;
}

/**
 * The role as written (created or updated), and the user's one binding made anew: a
 * binding's roleRef cannot change, and a user of this command has exactly one role.
 */
async function bindRole(admin: KubeConfig, role: ClusterRole, user: string, file: string): Promise<void> {
  const applied = await applyObjects(
    admin,
    [{ object: role.object, location: { file, line: 1, col: 1 } }],
    LAB_FIELD_MANAGER,
  );
  if (!applied.ok) throw new Error(applied.problems.map((problem) => problem.message).join('; '));
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const name = bindingName(user);
  await rbac.deleteClusterRoleBinding({ name }).catch((error: unknown) => {
    if (apiStatusCode(error) !== 404) throw error;
  });
  const binding: V1ClusterRoleBinding = {
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': LAB_FIELD_MANAGER } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  };
  await rbac.createClusterRoleBinding({ body: binding });
}

export function bindingName(user: string): string {
  return `netpol-assert-lab-user-${user}`;
}

/** RBAC takes effect a moment after the objects are stored (the authorizer's cache): wait for every permission. */
async function waitUntilGranted(admin: KubeConfig, role: ClusterRole, user: string): Promise<void> {
  const permissions = permissionsOf(role.rules);
  const deadline = Date.now() + GRANTED_WITHIN_MS;
  for (;;) {
    const granted = await reviewAccess(admin, permissions, user);
    const waiting = permissions.filter((_, index) => !granted[index]);
    if (waiting.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `user ${user} was not granted ${waiting.map(describePermission).join(', ')} ` +
          `within ${GRANTED_WITHIN_MS / 1000}s of binding ClusterRole ${role.name}`,
      );
    await sleep(POLL_MS);
  }
}
