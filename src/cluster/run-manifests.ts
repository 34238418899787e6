/**
 * The objects a run creates: probe pods (sources and responders, with exactly the
 * labels the assertion asked for plus the run label) and the agent, whose manifest is
 * the one shipped in agent/manifests/agent.yaml with the chosen image.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { V1DaemonSet, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { fromWireObject } from './wire-object.js';
import { DEFAULT_AGENT_IMAGE } from '../shared/index.js';
import { AGENT_NAMESPACE, RUN_LABEL, type RunPodSpec } from '../probe/index.js';

export const AGENT_NAME = 'netpol-assert-agent';
export const AGENT_MANIFEST = new URL('../../agent/manifests/agent.yaml', import.meta.url);

export function runPodManifest(spec: RunPodSpec, runId: string, image = DEFAULT_AGENT_IMAGE): V1Pod {
  const { pod } = spec;
  const listen = pod.ports.flatMap((p) => [`--${p.protocol.toLowerCase()}`, String(p.port)]);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: pod.namespace, labels: { ...pod.labels, [RUN_LABEL]: runId } },
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
