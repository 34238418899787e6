/**
 * The lab, a small real Kubernetes on this machine (README, "The lab"): the one door the
 * command line, the recipes and the benches use. Naming a lab and finding its files is
 * light; every operation loads the lab's code (and the Kubernetes client) when it is
 * called, so commands that never touch a lab never load it (test/cli/offline-imports).
 *
 * Inside, one folder per part, each with an index.ts saying what it offers:
 *   lifecycle/      up, apply, status, kubeconfig, down: what the `lab` commands do
 *   supervisor/     the detached process that runs a lab; its record and control socket
 *   control-plane/  etcd, kube-apiserver, the controller manager and scheduler
 *   kubelet/        the emulated kubelet of every node: pods, exec, images
 *   data-plane/     nodes, pods and outside hosts as network namespaces; teardown by name
 *   enforcer/       NetworkPolicies to nftables, per node
 *   responder/      the small C server in every pod and outside host
 *   dns-server/     dnsmasq, the real DNS server in pods of a DNS server image
 *   addresses/      strict address parsing and the ranges the lab may use
 *   names/          a lab's name, the names of all it makes, its state folder (light)
 *   host/           commands, network namespaces and cgroups on this host
 *   setup/          `npm run setup:lab`
 */
import type * as DataPlane from './data-plane/index.js';
import type * as Lifecycle from './lifecycle/index.js';
import type * as Supervisor from './supervisor/index.js';
import type { LabPaths } from './names/index.js';

// Naming a lab and finding its files: light (names/), loaded with the command line,
// whose help names the default lab.
export { DEFAULT_LAB_NAME, labNameProblem, labPaths } from './names/index.js';
export type { LabPaths } from './names/index.js';

// The `lab` commands. Each resolves to its result or to a LabFailure (bad input, or unavailable).
export type {
  Applied,
  ApplyOutcome,
  LabApplyOptions,
  LabDownOptions,
  LabDownReport,
  LabFailure,
  LabStatus,
  LabStatusOptions,
  LabUser,
  LabUserOptions,
  LabUp,
  LabUpOptions,
  Progress,
} from './lifecycle/index.js';
// Only this file of lifecycle/ (no client), so that it loads with the command line too.
export { renderLabStatus } from './lifecycle/render-status.js';

export async function labUp(options: Lifecycle.LabUpOptions): ReturnType<typeof Lifecycle.labUp> {
  return (await lifecycle()).labUp(options);
}

export async function labApply(options: Lifecycle.LabApplyOptions): ReturnType<typeof Lifecycle.labApply> {
  return (await lifecycle()).labApply(options);
}

export async function labStatus(options: Lifecycle.LabStatusOptions): ReturnType<typeof Lifecycle.labStatus> {
  return (await lifecycle()).labStatus(options);
}

/** `lab kubeconfig --user NAME`: a kubeconfig for a user bound to exactly one ClusterRole (default: the runner's). */
export async function labUserKubeconfig(
  options: Lifecycle.LabUserOptions,
): ReturnType<typeof Lifecycle.labUserKubeconfig> {
  return (await lifecycle()).labUserKubeconfig(options);
}

export async function labDown(options: Lifecycle.LabDownOptions): ReturnType<typeof Lifecycle.labDown> {
  return (await lifecycle()).labDown(options);
}

// Teardown by name of everything a lab's data plane made (or every lab's), also after
// its process was killed; `labDown` does this and stops the control plane too.
export type { CleanOptions, CleanupReport } from './data-plane/index.js';

export async function cleanLeftovers(
  target: { readonly lab: string } | 'all',
  options?: DataPlane.CleanOptions,
): ReturnType<typeof DataPlane.cleanLeftovers> {
  return (await dataPlane()).cleanLeftovers(target, options);
}

// The supervisor's client: its record in the state folder, and requests over its control
// socket (outside hosts, the data plane's status).
export type { SupervisorAnswer, SupervisorRecord, SupervisorRequest } from './supervisor/index.js';

export async function readSupervisorRecord(
  paths: LabPaths,
): ReturnType<typeof Supervisor.readSupervisorRecord> {
  return (await supervisor()).readSupervisorRecord(paths);
}

/** Rejects when the supervisor does not answer within `timeoutMs`. */
export async function askSupervisor(
  socket: string,
  request: Supervisor.SupervisorRequest,
  timeoutMs: number,
): ReturnType<typeof Supervisor.askSupervisor> {
  return (await supervisor()).askSupervisor(socket, request, timeoutMs);
}

/**
 * The lab's outside hosts, with the network namespace file of each: a live run sends
 * from one when an address is a source. Rejects when the supervisor does not answer.
 */
export type { LabOutsideHost } from './supervisor/index.js';

export async function labOutsideHosts(
  socket: string,
  timeoutMs: number,
): ReturnType<typeof Supervisor.labOutsideHosts> {
  return (await supervisor()).labOutsideHosts(socket, timeoutMs);
}

function lifecycle(): Promise<typeof Lifecycle> {
  return import('./lifecycle/index.js');
}

function dataPlane(): Promise<typeof DataPlane> {
  return import('./data-plane/index.js');
}

function supervisor(): Promise<typeof Supervisor> {
  return import('./supervisor/index.js');
}
