/** Pod objects, as written by hand or dumped from a cluster with their status. */
import type { FieldReader, JsonObject } from './manifest-fields.js';
import { objectName, objectNamespace } from './object-identity.js';
import { readOwnerReference } from './pod-draft.js';
import type { OwnerReference, PodDraft } from './pod-draft.js';
import { readPodTemplate } from './pod-template.js';

export interface DeclaredPod {
  readonly draft: PodDraft;
  readonly ownerReference?: OwnerReference;
}

/** status.podIPs (dual stack) wins over status.podIP, which wins over a pinned address. */
export function readPod(object: JsonObject, reader: FieldReader): DeclaredPod {
  const template = readPodTemplate(object, [], reader);
  const status = reader.object(object.status, ['status']) ?? {};
  const podIPs = reader
    .list(status.podIPs, ['status', 'podIPs'])
    .map((entry, index) => {
      const ip = (reader.object(entry, ['status', 'podIPs', index]) ?? {}).ip;
      return reader.address(ip, ['status', 'podIPs', index, 'ip']);
    })
    .filter((address) => address !== undefined);
  const podIP = reader.address(status.podIP, ['status', 'podIP']);
  const stated = podIPs.length > 0 ? podIPs : podIP !== undefined ? [podIP] : [];
  // A hostNetwork pod lives in its node's network namespace: it cannot pin an address.
  const pinned = template.pinnedIp !== undefined && !template.hostNetwork ? [template.pinnedIp] : [];
  const ips = stated.length > 0 ? stated : pinned;
  const ownerReference = readOwnerReference(object, reader);
  const draft: PodDraft = {
    namespace: objectNamespace(object),
    name: objectName(object),
    labels: template.labels,
    ...(template.nodeName === undefined ? {} : { nodeName: template.nodeName }),
    hostNetwork: template.hostNetwork,
    ports: template.ports,
    ips,
    location: reader.location,
  };
  return { draft, ...(ownerReference === undefined ? {} : { ownerReference }) };
}
