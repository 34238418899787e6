/**
 * Apply objects to any API server (the lab's, kind's) as `kubectl apply --server-side
 * --force-conflicts` would: one server-side apply patch per object (creates or updates), Namespaces and
 * CustomResourceDefinitions first so that what lives in them can follow. A new
 * namespace's default ServiceAccount appears a moment after the namespace; a Pod applied
 * in that moment is tried again for a few seconds.
 */
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ManifestObject } from '../manifests/index.js';
import { problemAt } from '../shared/index.js';
import type { Problem } from '../shared/index.js';
import { fromWireObject } from './wire-object.js';

/** The field manager of what a run applies (suites' setup, recipe packs); the lab's `lab up -f` has its own. */
export const RUN_FIELD_MANAGER = 'netpol-assert';

export interface AppliedObject {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly apiVersion: string;
}

export type ApplyOutcome =
  | { readonly ok: true; readonly applied: readonly AppliedObject[] }
  | {
      readonly ok: false;
      readonly applied: readonly AppliedObject[];
      /** What the API server refused, each at its object. */
      readonly problems: readonly Problem<'REFUSED'>[];
    };

const FIRST_KINDS = ['Namespace', 'CustomResourceDefinition'];
const RETRY_FOR_MS = 15_000;

export async function applyObjects(
  kubeConfig: KubeConfig,
  manifests: readonly ManifestObject[],
  fieldManager = RUN_FIELD_MANAGER,
): Promise<ApplyOutcome> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const ordered = [
    ...manifests.filter((manifest) => FIRST_KINDS.includes(String(manifest.object.kind))),
    ...manifests.filter((manifest) => !FIRST_KINDS.includes(String(manifest.object.kind))),
  ];
  const applied: AppliedObject[] = [];
  const problems: Problem<'REFUSED'>[] = [];
  for (const manifest of ordered) {
    // parseManifests admitted only objects with apiVersion, kind and metadata.name.
    const object = fromWireObject(withExplicitProtocols(manifest.object));
    try {
      const result = await applyWithRetry(client, object, fieldManager);
      applied.push(identity(result));
    } catch (error) {
      const message = `${describe(object)}: ${errorMessage(error)}`;
      problems.push(problemAt('REFUSED', message, manifest.location, manifest.source));
    }
  }
  return problems.length === 0 ? { ok: true, applied } : { ok: false, applied, problems };
}

/**
 * kube-apiserver 1.20's server-side apply refuses a Service or container port that
 * leaves `protocol` to its default ("associative list with keys has an element that
 * omits key field protocol"), a bug later versions fixed. Writing the default, TCP,
 * changes nothing else. NetworkPolicy ports are not such a list and stay as written.
 */
export function withExplicitProtocols(object: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (object.kind === 'NetworkPolicy') return { ...object };
  return fillProtocols(object) as Record<string, unknown>;
}

function fillProtocols(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    return value.map((item: unknown) =>
      key === 'ports' && isPortEntry(item) && item.protocol === undefined
        ? { ...item, protocol: 'TCP' }
        : fillProtocols(item),
    );
  }
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillProtocols(v, k)]));
}

function isPortEntry(item: unknown): item is Record<string, unknown> {
  return typeof item === 'object' && item !== null && ('containerPort' in item || 'port' in item);
}

async function applyWithRetry(
  client: KubernetesObjectApi,
  object: KubernetesObject,
  fieldManager: string,
): Promise<KubernetesObject> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    try {
      return await client.patch(
        object,
        undefined,
        undefined,
        fieldManager,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      if (!isTransient(error) || Date.now() >= deadline) throw error;
      await sleep(500);
    }
  }
}

/** The ServiceAccount (or its token) of a namespace created a moment ago is not there yet. */
function isTransient(error: unknown): boolean {
  const message = errorMessage(error);
  return (
    /serviceaccount|service account|no API token/i.test(message) && /not found|No API token/i.test(message)
  );
}

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'body' in error && typeof error.body === 'string') {
    try {
      const body: unknown = JSON.parse(error.body);
      if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string')
        return body.message;
    } catch {
      return error.body;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

function identity(object: KubernetesObject): AppliedObject {
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: object.metadata?.name ?? '',
    ...(object.metadata?.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
  };
}

function describe(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace === undefined ? '' : `${object.metadata.namespace}/`;
  return `${object.kind ?? '?'} ${namespace}${object.metadata?.name ?? '?'}`;
}
