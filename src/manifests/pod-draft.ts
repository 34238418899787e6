/** A pod before its owner is resolved and synthetic addresses are handed out. */
import type { ContainerPort, Labels, WorkloadKind } from '../policy/index.js';
import type { SourceLocation } from '../shared/index.js';
import type { FieldReader, JsonObject } from './manifest-fields.js';

export interface PodOwner {
  readonly kind: WorkloadKind;
  readonly name: string;
}

export interface PodDraft {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nodeName?: string;
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPort[];
  /** Addresses the manifest states (status or pinned); empty when one must be made up. */
  readonly ips: readonly string[];
  readonly owner?: PodOwner;
  /** The object the pod was read or derived from. */
  readonly location: SourceLocation;
}

/** What an object's ownerReferences name: the controller, else the first owner. */
export interface OwnerReference {
  readonly kind: string;
  readonly name: string;
}

export function readOwnerReference(object: JsonObject, reader: FieldReader): OwnerReference | undefined {
  const metadata = reader.object(object.metadata, ['metadata']) ?? {};
  const references = reader
    .list(metadata.ownerReferences, ['metadata', 'ownerReferences'])
    .map((reference, index) => reader.object(reference, ['metadata', 'ownerReferences', index]) ?? {});
  const chosen = references.find((reference) => reference.controller === true) ?? references[0];
  if (chosen === undefined || typeof chosen.kind !== 'string' || typeof chosen.name !== 'string')
    return undefined;
  return { kind: chosen.kind, name: chosen.name };
}
