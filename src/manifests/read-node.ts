/** Node objects: labels and the addresses pods and probes reach them by. */
import type { Labels } from '../policy/index.js';
import type { FieldReader, JsonObject } from './manifest-fields.js';
import { valueAt } from './manifest-fields.js';
import { objectName } from './object-identity.js';

/** Set by the kubelet on every node; DaemonSets and policies select on it. */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** A node before synthetic addresses are handed out: `addresses` may be empty. */
export interface NodeDraft {
  readonly name: string;
  readonly labels: Labels;
  readonly addresses: readonly string[];
}

/** InternalIP addresses first, then ExternalIP ones; Hostname and DNS entries are not addresses. */
export function readNode(object: JsonObject, reader: FieldReader): NodeDraft {
  const labels = reader.stringMap(valueAt(object, 'metadata', 'labels'), ['metadata', 'labels']);
  const status = reader.object(object.status, ['status']) ?? {};
  const entries = reader.list(status.addresses, ['status', 'addresses']).map((entry, index) => {
    const fields = reader.object(entry, ['status', 'addresses', index]) ?? {};
    return { type: fields.type, address: fields.address, index };
  });
  const addresses: string[] = [];
  for (const type of ['InternalIP', 'ExternalIP']) {
    for (const entry of entries.filter((candidate) => candidate.type === type)) {
      const address = reader.address(entry.address, ['status', 'addresses', entry.index, 'address']);
      if (address !== undefined && !addresses.includes(address)) addresses.push(address);
    }
  }
  return nodeDraftOf(objectName(object), labels, addresses);
}

/** A manifest may leave out the hostname label; the kubelet never does. */
export function nodeDraftOf(name: string, labels: Labels = {}, addresses: readonly string[] = []): NodeDraft {
  return { name, labels: { [HOSTNAME_LABEL]: name, ...labels }, addresses };
}
