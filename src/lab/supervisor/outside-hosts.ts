/**
 * The lab's outside hosts as its data plane made them, asked over the control socket:
 * what a live run needs to send from one (an address as a source). Each is a network
 * namespace on this machine, where the lab runs every agent, so its file is all an agent
 * needs to enter it.
 */
import { netnsPath } from '../host/index.js';
import { askSupervisor } from './control-socket.js';

export interface LabOutsideHost {
  readonly name: string;
  readonly address: string;
  /** The host's network namespace file (`/run/netns/npa-<lab>-x-<name>`). */
  readonly netnsPath: string;
}

/** Rejects when the supervisor does not answer within `timeoutMs`, or answers with an error. */
export async function labOutsideHosts(socket: string, timeoutMs: number): Promise<LabOutsideHost[]> {
  const answer = await askSupervisor(socket, { op: 'status' }, timeoutMs);
  if (!answer.ok) throw new Error(answer.error);
  return (answer.status?.externalHosts ?? []).map((host) => ({
    name: host.name,
    address: host.address,
    netnsPath: netnsPath(host.netns),
  }));
}
