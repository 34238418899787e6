/**
 * The objects a run creates: probe pods (sources and responders, with exactly the
 * labels the assertion asked for plus the run's and the probe label), probe namespaces,
 * and the agent, whose manifest is the one shipped in agent/manifests/agent.yaml with
 * the chosen image. A probe pod's name carries the run's id: runs at the same time that
 * plan the same pod (same namespace, labels and ports) each make their own.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { V1DaemonSet, V1Namespace, V1Pod } from '@kubernetes/client-node';
import type { Namespace } from '../policy/index.js';
import { fromWireObject } from './wire-object.js';
import { DEFAULT_AGENT_IMAGE } from '../shared/index.js';
import { AGENT_NAMESPACE, PROBE_LABEL, RUN_LABEL, type RunPodSpec } from '../probe/index.js';

export const AGENT_NAME = 'netpol-assert-agent';
export const AGENT_MANIFEST = new URL('../../agent/manifests/agent.yaml', import.meta.url);

/** The plan's name for the pod (named from its labels), then the run's id. */
export function runPodName(planned: string, runId: string): string {
  return `${planned}-${runId}`;
}

export function runPodManifest(spec: RunPodSpec, runId: string, image = DEFAULT_AGENT_IMAGE): V1Pod {
  const { pod } = spec;
  const listen = pod.ports.flatMap((p) => [`--${p.protocol.toLowerCase()}`, String(p.port)]);
  const labels = { ...pod.labels, [RUN_LABEL]: runId, [PROBE_LABEL]: spec.role };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: runPodName(pod.name, runId), namespace: pod.namespace, labels },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 0,
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: 'probe',
          image,
          command: [
            'netpol-assert-agent',
            ...(spec.role === 'responder' ? ['respond', ...listen] : ['idle']),
          ],
          ports: pod.ports.map((p) => ({ containerPort: p.port, protocol: p.protocol })),
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** A namespace a namespace selector needs and no namespace matched: its labels, the run's and the probe label. */
export function runNamespaceManifest(namespace: Namespace, runId: string): V1Namespace {
  const labels = { ...namespace.labels, [RUN_LABEL]: runId, [PROBE_LABEL]: 'namespace' };
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace.name, labels } };
}

export async function agentObjects(
  image: string,
): Promise<{ namespace: V1Namespace; daemonSet: V1DaemonSet }> {
  const documents = parseAllDocuments(await readFile(AGENT_MANIFEST, 'utf8')).map((doc) =>
    fromWireObject(doc.toJS() as Record<string, unknown>),
  );
  const namespace = documents.find((d) => d.kind === 'Namespace') as V1Namespace | undefined;
  const daemonSet = documents.find((d) => d.kind === 'DaemonSet') as V1DaemonSet | undefined;
  if (!namespace || !daemonSet || daemonSet.metadata?.namespace !== AGENT_NAMESPACE) {
    throw new Error(
      `${AGENT_MANIFEST.pathname} must hold the ${AGENT_NAMESPACE} Namespace and the agent DaemonSet`,
    );
  }
  for (const container of daemonSet.spec?.template.spec?.containers ?? []) container.image = image;
  return { namespace, daemonSet };
}
