/**
 * What a live run may do, from one file: the ClusterRole the package ships in
 * agent/manifests/runner-clusterrole.yaml, which docs/live-runs.md shows. Each rule is
 * spread into single permissions (a verb on a resource of a group), which a run checks
 * before it creates anything (access-check.ts) and the lab grants a user (`lab kubeconfig`).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { AGENT_NAMESPACE } from '../probe/index.js';

export const RUNNER_CLUSTER_ROLE = new URL('../../agent/manifests/runner-clusterrole.yaml', import.meta.url);

/** Where the docs show it, for messages. */
export const RUNNER_ROLE_DOCS = 'docs/live-runs.md, "The identity the runner uses"';

/** One rule as RBAC writes it (resourceNames and nonResourceURLs are not used). */
export interface RoleRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

export interface ClusterRole {
  readonly name: string;
  readonly rules: readonly RoleRule[];
  /** The object as written, for applying it. */
  readonly object: Readonly<Record<string, unknown>>;
}

/** One verb on one resource (`pods`, or `pods` and subresource `exec`) of one group ('' is the core group). */
export interface Permission {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  /** The one namespace where a run uses it; absent: every namespace, or a cluster-scoped resource. */
  readonly namespace?: string;
}

/**
 * Permissions a run uses in the agent's namespace only: asked about there, so that the
 * message names the namespace a RoleBinding would have to cover.
 */
const AGENT_NAMESPACE_ONLY: readonly Pick<Permission, 'group' | 'resource' | 'verb' | 'subresource'>[] = [
  { group: 'apps', resource: 'daemonsets', verb: 'create' },
  { group: '', resource: 'pods', subresource: 'exec', verb: 'create' },
  { group: '', resource: 'pods', subresource: 'exec', verb: 'get' },
];

/** The shipped role, or another ClusterRole file; throws an Error saying what is wrong with the file. */
export async function readClusterRole(file: URL | string = RUNNER_CLUSTER_ROLE): Promise<ClusterRole> {
  const text = await readFile(file, 'utf8');
  const where = typeof file === 'string' ? file : file.pathname;
  try {
    return clusterRoleOf(parse(text));
  } catch (error) {
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** A ClusterRole object (rbac.authorization.k8s.io/v1) with rules of string lists, else throws. */
export function clusterRoleOf(object: unknown): ClusterRole {
  if (
    !isRecord(object) ||
    object.kind !== 'ClusterRole' ||
    object.apiVersion !== 'rbac.authorization.k8s.io/v1'
  )
    throw new Error('not a ClusterRole (apiVersion rbac.authorization.k8s.io/v1, kind ClusterRole)');
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  if (typeof metadata.name !== 'string' || metadata.name === '')
    throw new Error('the ClusterRole has no name');
  if (!Array.isArray(object.rules)) throw new Error('the ClusterRole has no rules');
  const rules = object.rules.map((rule: unknown, index) => ruleOf(rule, index));
  return { name: metadata.name, rules, object };
}

function ruleOf(rule: unknown, index: number): RoleRule {
  const field = (name: string): string[] => {
    const value = isRecord(rule) ? rule[name] : undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
      throw new Error(`rule ${index + 1}: ${name} must be a list of strings`);
    return value as string[];
  };
  return { apiGroups: field('apiGroups'), resources: field('resources'), verbs: field('verbs') };
}

/** Every verb × resource × group of the rules, once each, in the rules' order. */
export function permissionsOf(rules: readonly RoleRule[]): Permission[] {
  const seen = new Map<string, Permission>();
  for (const rule of rules)
    for (const group of rule.apiGroups)
      for (const written of rule.resources)
        for (const verb of rule.verbs) {
          const permission = scoped({ verb, group, ...splitResource(written) });
          seen.set(describePermission(permission), permission);
        }
  return [...seen.values()];
}

/** `create daemonsets.apps in namespace netpol-assert-system`, `list nodes`, `get pods/exec in namespace ...`. */
export function describePermission(permission: Permission): string {
  const resource =
    permission.subresource === undefined
      ? permission.resource
      : `${permission.resource}/${permission.subresource}`;
  const qualified = permission.group === '' ? resource : `${resource}.${permission.group}`;
  const where = permission.namespace === undefined ? '' : ` in namespace ${permission.namespace}`;
  return `${permission.verb} ${qualified}${where}`;
}

function splitResource(written: string): Pick<Permission, 'resource' | 'subresource'> {
  const slash = written.indexOf('/');
  return slash < 0
    ? { resource: written }
    : { resource: written.slice(0, slash), subresource: written.slice(slash + 1) };
}

function scoped(permission: Permission): Permission {
  const inAgentNamespace = AGENT_NAMESPACE_ONLY.some(
    (only) =>
      only.group === permission.group &&
      only.resource === permission.resource &&
      only.subresource === permission.subresource &&
      only.verb === permission.verb,
  );
  return inAgentNamespace ? { ...permission, namespace: AGENT_NAMESPACE } : permission;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
