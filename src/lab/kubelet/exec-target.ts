/**
 * Where `kubectl exec` runs in the lab. There are no images: every command is a process
 * on this host (its filesystem, its PID namespace, as in a privileged hostPID pod)
 * placed in the pod's network namespace, or its node's for a hostNetwork pod, with the
 * container's environment. That is how the agent DaemonSet (hostPID, hostNetwork) works
 * on a real node, and how a probe from inside any lab pod sees the pod's network.
 */
import { fileURLToPath } from 'node:url';
import type { V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';
import { checkNetns } from '../netns.js';
import type { ExecRequest } from './exec-request.js';
import type { ExecTarget } from './exec-session.js';
import type { ExecResolution } from './kubelet-server.js';
import type { PodStatus } from './pod-network.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The lab has no images: a container of netpol-assert's own image (the agent, the probe
 * pods a run creates) runs this checkout's agent. Its command is found on PATH, and the
 * probe helper is built from source instead of taken from the image's path.
 */
const OWN_IMAGE = /(^|\/)netpol-assert[^/]*(:|@|$)|(^|\/)netpol-assert\/agent(:|@|$)/;
const AGENT_BIN = fileURLToPath(new URL('../../../agent/lab-bin', import.meta.url));
const IMAGE_ONLY_ENV = ['NETPOL_PROBE'];

export function isOwnImage(image: string | undefined): boolean {
  return image !== undefined && OWN_IMAGE.test(image);
}

export function execResolution(
  request: ExecRequest,
  pod: V1Pod | undefined,
  placed: PodStatus | undefined,
): ExecResolution {
  const where = `${request.namespace}/${request.pod}`;
  if (pod === undefined) return { kind: 'refused', code: 404, message: `pod ${where} is not on a lab node` };
  const container = pod.spec?.containers.find((candidate) => candidate.name === request.container);
  if (container === undefined)
    return { kind: 'refused', code: 404, message: `container ${request.container} is not in pod ${where}` };
  if (placed === undefined || placed.phase !== 'Running')
    return {
      kind: 'refused',
      code: 409,
      message: `pod ${where} is not running${placed === undefined ? '' : `: ${placed.reason}`}`,
    };
  return { kind: 'run', target: execTarget(request.command, pod, container, placed.netns) };
}

/** nsenter (not `ip netns exec`): a command that is missing or not executable exits 127 or 126, as in a shell. */
export function execTarget(
  command: readonly string[],
  pod: V1Pod,
  container: V1Container,
  netns: string,
): ExecTarget {
  const args = [`--net=/run/netns/${checkNetns(netns)}`, '--', ...command];
  return { file: 'nsenter', args, env: containerEnv(pod, container) };
}

/** The environment a container's process sees: a base, then `env` with values and the downward API's fields. */
export function containerEnv(pod: V1Pod, container: V1Container): Record<string, string> {
  const hostname = pod.spec?.hostNetwork === true ? (pod.spec.nodeName ?? '') : (pod.metadata?.name ?? '');
  const own = isOwnImage(container.image);
  const path = own ? `${AGENT_BIN}:${DEFAULT_PATH}` : DEFAULT_PATH;
  const env: Record<string, string> = { PATH: path, HOME: '/root', HOSTNAME: hostname };
  for (const variable of container.env ?? []) {
    const value = envValue(pod, variable);
    if (value !== undefined && !(own && IMAGE_ONLY_ENV.includes(variable.name))) env[variable.name] = value;
  }
  return env;
}

/** A value, or a downward-API field; secrets, config maps and resource fields are not resolved. */
function envValue(pod: V1Pod, variable: V1EnvVar): string | undefined {
  if (variable.value !== undefined) return variable.value;
  const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
  return fieldPath === undefined ? undefined : downwardField(pod, fieldPath);
}

export function downwardField(pod: V1Pod, fieldPath: string): string | undefined {
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (keyed !== null) {
    const map = keyed[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[keyed[2] ?? ''];
  }
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': pod.status?.podIP,
    'status.hostIP': pod.status?.hostIP,
    'status.podIPs': pod.status?.podIPs?.map((entry) => entry.ip).join(','),
  };
  return fields[fieldPath];
}
