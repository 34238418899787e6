/**
 * A pack's manifest objects in their run-scoped namespaces: a Namespace is renamed, a
 * namespaced object moves (no namespace means `default`, as kubectl has it), an outside
 * host gets its pack name, and a NetworkPolicy's namespace selectors that name
 * namespaces (`kubernetes.io/metadata.name`) name the mapped ones.
 */
import { NAMESPACE_NAME_LABEL } from '../shared/index.js';
import type { ManifestObject } from '../manifests/index.js';
import type { PackNaming } from './pack-naming.js';

type Json = Record<string, unknown>;

export function mapManifest(manifest: ManifestObject, naming: PackNaming): ManifestObject {
  const object = structuredClone(manifest.object) as Json;
  const metadata = asObject(object.metadata);
  switch (object.kind) {
    case 'Namespace':
      metadata.name = naming.namespace(String(metadata.name));
      mapNameLabel(asObject(metadata.labels ?? {}), naming, metadata);
      break;
    case 'ExternalHost':
      metadata.name = naming.host(String(metadata.name));
      break;
    default:
      metadata.namespace = naming.namespace(namespaceOf(metadata));
      if (object.kind === 'NetworkPolicy') mapPolicySelectors(asObject(object.spec ?? {}), naming);
  }
  return { ...manifest, object };
}

/** The recipe's namespace of a namespaced object: kubectl's `default` when none is given. */
export function namespaceOf(metadata: Json): string {
  return typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
}

function mapNameLabel(labels: Json, naming: PackNaming, metadata: Json): void {
  const name = labels[NAMESPACE_NAME_LABEL];
  if (typeof name === 'string')
    metadata.labels = { ...labels, [NAMESPACE_NAME_LABEL]: naming.namespace(name) };
}

function mapPolicySelectors(spec: Json, naming: PackNaming): void {
  const rules = [...listOf(spec.ingress), ...listOf(spec.egress)].map(asObject);
  const peers = rules.flatMap((rule) => [...listOf(rule.from), ...listOf(rule.to)]).map(asObject);
  for (const peer of peers) {
    if (peer.namespaceSelector === undefined || peer.namespaceSelector === null) continue;
    mapSelector(asObject(peer.namespaceSelector), naming);
  }
}

function mapSelector(selector: Json, naming: PackNaming): void {
  const labels = selector.matchLabels;
  if (labels !== undefined && labels !== null) {
    const matchLabels = asObject(labels);
    const name = matchLabels[NAMESPACE_NAME_LABEL];
    if (typeof name === 'string') matchLabels[NAMESPACE_NAME_LABEL] = naming.namespace(name);
  }
  for (const requirement of listOf(selector.matchExpressions).map(asObject)) {
    if (requirement.key !== NAMESPACE_NAME_LABEL) continue;
    requirement.values = listOf(requirement.values).map((value) =>
      typeof value === 'string' ? naming.namespace(value) : value,
    );
  }
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
