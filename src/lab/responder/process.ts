/**
 * One responder process per pod or outside host, started inside its namespace with
 * `ip netns exec` (which execs, so the pid is the responder's own), placed in the pod's
 * cgroups before it binds, and considered up once it printed `ready`.
 */
import type { Protocol } from '../../policy/index.js';
import { firstLine, startNetnsProcess } from '../host/index.js';
import type { RunningProcess } from '../host/index.js';

export interface ListenPort {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface RunningResponder extends RunningProcess {
  /** Ports not served because the kernel lacks the protocol (SCTP), as `sctp:PORT`. */
  readonly skipped: readonly string[];
}

export class ResponderFailed extends Error {
  constructor(netns: string, detail: string) {
    super(`responder in ${netns} did not start: ${detail}`);
    this.name = 'ResponderFailed';
  }
}

export function listenSpec(port: ListenPort): string {
  if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
    throw new Error(`bad port ${port.port}`);
  }
  return `${port.protocol.toLowerCase()}:${port.port}`;
}

export interface ResponderOptions {
  /** Bind the UDP ports and drop what arrives, as a UDP service that never answers a probe. */
  readonly silentUdp?: boolean;
  readonly readyTimeoutMs?: number;
}

export async function startResponder(
  binary: string,
  netns: string,
  ports: readonly ListenPort[],
  cgroupLeaves: readonly string[] = [],
  { silentUdp = false, readyTimeoutMs = 10_000 }: ResponderOptions = {},
): Promise<RunningResponder> {
  const specs = [...new Set(ports.map(listenSpec))];
  const running = await startNetnsProcess({
    netns,
    binary,
    args: [...(silentUdp ? ['--silent-udp'] : []), '--serve', ...specs],
    stdout: 'pipe',
    cgroupLeaves,
    ready: async (subprocess) => {
      const line = await firstLine(subprocess, readyTimeoutMs);
      if (!line.startsWith('ready')) throw new ResponderFailed(netns, line);
      return line;
    },
    failed: (detail) => new ResponderFailed(netns, detail),
  });
  const { pid, exited, stop } = running;
  return { pid, exited, stop, skipped: running.said.split(' ').slice(2) };
}
