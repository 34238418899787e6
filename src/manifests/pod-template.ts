/**
 * What the state needs of a pod's metadata and spec, read the same way for a Pod and for
 * a workload's pod template.
 */
import type { ContainerPort, Labels } from '../policy/index.js';
import type { FieldReader, JsonObject } from './manifest-fields.js';
import type { FieldPath } from './manifest-object.js';

/** A pod may pin its address, as in the lab, so ipBlock cases can be reproduced offline too. */
export const PINNED_IP_ANNOTATION = 'netpol-assert.io/ip';

export interface PodTemplate {
  readonly labels: Labels;
  readonly pinnedIp?: string;
  readonly nodeName?: string;
  readonly nodeSelector: Labels;
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPort[];
}

/** `path` is where the template sits in its object (`spec.template`), or [] for a Pod. */
export function readPodTemplate(template: unknown, path: FieldPath, reader: FieldReader): PodTemplate {
  const object = reader.object(template, path) ?? {};
  const metadata = reader.object(object.metadata, [...path, 'metadata']) ?? {};
  const spec = reader.object(object.spec, [...path, 'spec']) ?? {};
  const annotationsPath = [...path, 'metadata', 'annotations'];
  const annotations = reader.stringMap(metadata.annotations, annotationsPath);
  const pinnedIp = reader.address(annotations[PINNED_IP_ANNOTATION], [
    ...annotationsPath,
    PINNED_IP_ANNOTATION,
  ]);
  const nodeName = reader.string(spec.nodeName, [...path, 'spec', 'nodeName']);
  return {
    labels: reader.stringMap(metadata.labels, [...path, 'metadata', 'labels']),
    ...(pinnedIp === undefined ? {} : { pinnedIp }),
    ...(nodeName === undefined || nodeName === '' ? {} : { nodeName }),
    nodeSelector: reader.stringMap(spec.nodeSelector, [...path, 'spec', 'nodeSelector']),
    hostNetwork: reader.boolean(spec.hostNetwork, [...path, 'spec', 'hostNetwork']) ?? false,
    ports: readContainerPorts(spec, [...path, 'spec'], reader),
  };
}

/** Ports of the containers and of native sidecars (init containers that keep running). */
function readContainerPorts(spec: JsonObject, path: FieldPath, reader: FieldReader): ContainerPort[] {
  const ports: ContainerPort[] = [];
  for (const field of ['containers', 'initContainers'] as const) {
    reader.list(spec[field], [...path, field]).forEach((container, index) => {
      const containerPath = [...path, field, index];
      const fields = reader.object(container, containerPath) ?? {};
      if (field === 'initContainers' && fields.restartPolicy !== 'Always') return;
      reader.list(fields.ports, [...containerPath, 'ports']).forEach((port, portIndex) => {
        const parsed = readContainerPort(port, [...containerPath, 'ports', portIndex], reader);
        if (parsed !== undefined) ports.push(parsed);
      });
    });
  }
  return ports;
}

function readContainerPort(value: unknown, path: FieldPath, reader: FieldReader): ContainerPort | undefined {
  const port = reader.object(value, path);
  if (port === undefined) return undefined;
  const number = reader.port(port.containerPort, [...path, 'containerPort']);
  const name = reader.string(port.name, [...path, 'name']);
  const protocol = reader.protocol(port.protocol, [...path, 'protocol']);
  if (number === undefined) return undefined;
  return { ...(name === undefined ? {} : { name }), port: number, protocol };
}
