/** Service objects: what they select and the ports they forward. */
import type { Service, ServicePort } from '../policy/index.js';
import type { FieldReader, JsonObject } from './manifest-fields.js';
import type { FieldPath } from './manifest-object.js';
import { objectName, objectNamespace } from './object-identity.js';

export function readService(object: JsonObject, reader: FieldReader): Service {
  const spec = reader.object(object.spec, ['spec']) ?? {};
  const selector = reader.stringMap(spec.selector, ['spec', 'selector']);
  const ports = reader
    .list(spec.ports, ['spec', 'ports'])
    .map((port, index) => readServicePort(port, ['spec', 'ports', index], reader))
    .filter((port) => port !== undefined);
  return {
    namespace: objectNamespace(object),
    name: objectName(object),
    // The API server stores `selector: {}` as no selector: such a Service gets no endpoints.
    ...(Object.keys(selector).length === 0 ? {} : { selector }),
    clusterIPs: readClusterIPs(spec, reader),
    ports,
  };
}

/** clusterIPs (dual stack) wins over clusterIP; a headless Service (`None`) has none. */
function readClusterIPs(spec: JsonObject, reader: FieldReader): string[] {
  const listed = reader.list(spec.clusterIPs, ['spec', 'clusterIPs']);
  const values = listed.length > 0 ? listed : [spec.clusterIP];
  const addresses: string[] = [];
  values.forEach((value, index) => {
    if (value === 'None') return;
    const path = listed.length > 0 ? ['spec', 'clusterIPs', index] : ['spec', 'clusterIP'];
    const address = reader.address(value, path);
    if (address !== undefined) addresses.push(address);
  });
  return addresses;
}

function readServicePort(value: unknown, path: FieldPath, reader: FieldReader): ServicePort | undefined {
  const fields = reader.object(value, path);
  if (fields === undefined) return undefined;
  const port = reader.port(fields.port, [...path, 'port']);
  const name = reader.string(fields.name, [...path, 'name']);
  const protocol = reader.protocol(fields.protocol, [...path, 'protocol']);
  // targetPort defaults to port, as the API server fills it in.
  const targetPort =
    fields.targetPort === undefined || fields.targetPort === null
      ? port
      : reader.portOrName(fields.targetPort, [...path, 'targetPort']);
  if (port === undefined || targetPort === undefined) return undefined;
  return { ...(name === undefined ? {} : { name }), port, targetPort, protocol };
}
