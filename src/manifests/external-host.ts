/**
 * ExternalHost (lab.netpol-assert.io/v1): an address outside the pod network that the lab
 * creates for ipBlock and egress cases. Not part of the cluster state: the lab and
 * offline runs use it as a source or destination outside the cluster.
 */
import type { ContainerPort } from '../policy/index.js';
import type { FieldReader, JsonObject } from './manifest-fields.js';
import type { FieldPath } from './manifest-object.js';
import { objectName } from './object-identity.js';

export interface ExternalHost {
  readonly name: string;
  readonly address: string;
  readonly ports: readonly ContainerPort[];
}

/** `spec.ports` items are a port number or `{port, protocol, name}`. */
export function readExternalHost(object: JsonObject, reader: FieldReader): ExternalHost | undefined {
  const spec = reader.object(object.spec, ['spec']) ?? {};
  if (spec.address === undefined || spec.address === null || spec.address === '')
    return reader.problem('MISSING_FIELD', ['spec'], 'an ExternalHost needs spec.address');
  const address = reader.address(spec.address, ['spec', 'address']);
  const ports = reader
    .list(spec.ports, ['spec', 'ports'])
    .map((port, index) => readHostPort(port, ['spec', 'ports', index], reader))
    .filter((port) => port !== undefined);
  return address === undefined ? undefined : { name: objectName(object), address, ports };
}

function readHostPort(value: unknown, path: FieldPath, reader: FieldReader): ContainerPort | undefined {
  if (typeof value === 'number') {
    const port = reader.port(value, path);
    return port === undefined ? undefined : { port, protocol: 'TCP' };
  }
  const fields = reader.object(value, path);
  if (fields === undefined) return undefined;
  const port = reader.port(fields.port, [...path, 'port']);
  const name = reader.string(fields.name, [...path, 'name']);
  const protocol = reader.protocol(fields.protocol, [...path, 'protocol']);
  return port === undefined ? undefined : { ...(name === undefined ? {} : { name }), port, protocol };
}
