/**
 * Where `kubectl exec` runs in the lab. There are no images: every command is a process
 * on this host (its filesystem, its PID namespace, as in a privileged hostPID pod)
 * placed in the pod's network namespace, or its node's for a hostNetwork pod, with the
 * container's environment. That is how the agent DaemonSet (hostPID, hostNetwork) works
 * on a real node, and how a probe from inside any lab pod sees the pod's network.
 */
import type { V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';
import { checkNetns } from '../host/index.js';
import type { ExecRequest } from './exec-request.js';
import type { ExecTarget } from './exec-session.js';
import type { ExecResolution } from './kubelet-server.js';
import { isMissingImage, isOwnImage } from './images.js';
import type { LoadedPayload } from './images.js';
import type { PodStatus } from './pod-network.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The lab has no images: a container of netpol-assert's own image runs the agent's
 * payload, exactly the files the image holds. Its two commands, by name or by their
 * path in the image, become the payload's (`node <bundle>`, netpol-probe), and
 * NETPOL_PROBE names the payload's helper instead of the image's path.
 */
const OWN_COMMANDS: Readonly<Record<string, 'agent' | 'probe'>> = {
  'netpol-assert-agent': 'agent',
  '/usr/local/bin/netpol-assert-agent': 'agent',
  'netpol-probe': 'probe',
  '/usr/local/bin/netpol-probe': 'probe',
};

export function execResolution(
  request: ExecRequest,
  pod: V1Pod | undefined,
  placed: PodStatus | undefined,
  payload: LoadedPayload,
): ExecResolution {
  const where = `${request.namespace}/${request.pod}`;
  if (pod === undefined) return { kind: 'refused', code: 404, message: `pod ${where} is not on a lab node` };
  const container = pod.spec?.containers.find((candidate) => candidate.name === request.container);
  if (container === undefined)
    return { kind: 'refused', code: 404, message: `container ${request.container} is not in pod ${where}` };
  if (isMissingImage(container.image, payload.images))
    return {
      kind: 'refused',
      code: 404,
      message: `container not found ("${container.name}"): image ${container.image} is not in the lab`,
    };
  if (placed === undefined || placed.phase !== 'Running')
    return {
      kind: 'refused',
      code: 409,
      message: `pod ${where} is not running${placed === undefined ? '' : `: ${placed.reason}`}`,
    };
  return { kind: 'run', target: execTarget(request.command, pod, container, placed.netns, payload) };
}

/** nsenter (not `ip netns exec`): a command that is missing or not executable exits 127 or 126, as in a shell. */
export function execTarget(
  command: readonly string[],
  pod: V1Pod,
  container: V1Container,
  netns: string,
  payload: LoadedPayload,
): ExecTarget {
  const own = isOwnImage(container.image);
  const args = [
    `--net=/run/netns/${checkNetns(netns)}`,
    '--',
    ...(own ? ownCommand(command, payload) : command),
  ];
  return { file: 'nsenter', args, env: containerEnv(pod, container, payload) };
}

function ownCommand(command: readonly string[], payload: LoadedPayload): readonly string[] {
  const [file = '', ...rest] = command;
  switch (OWN_COMMANDS[file]) {
    case 'agent':
      return [process.execPath, payload.bundle, ...rest];
    case 'probe':
      return [payload.probe, ...rest];
    default:
      return command;
  }
}

/** The environment a container's process sees: a base, then `env` with values and the downward API's fields. */
export function containerEnv(
  pod: V1Pod,
  container: V1Container,
  payload: LoadedPayload,
): Record<string, string> {
  const hostname = pod.spec?.hostNetwork === true ? (pod.spec.nodeName ?? '') : (pod.metadata?.name ?? '');
  const env: Record<string, string> = { PATH: DEFAULT_PATH, HOME: '/root', HOSTNAME: hostname };
  for (const variable of container.env ?? []) {
    const value = envValue(pod, variable);
    if (value !== undefined) env[variable.name] = value;
  }
  if (isOwnImage(container.image)) env.NETPOL_PROBE = payload.probe;
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
