/**
 * One exec: run the command where the pod lives, stream stdout and stderr as they come,
 * feed stdin, and end with the status, as the kubelet does. The transport (WebSocket
 * channels, or SPDY streams for kubectl before 1.30) only carries bytes; a client that
 * goes away takes its process with it.
 */
import { execa } from 'execa';
import type { WebSocket } from 'ws';
import type { ExecRequest } from './exec-request.js';
import { execStatus } from './exec-status.js';
import type { ExecOutcome, ExecStatus } from './exec-status.js';
import { Channel, frame, readClientMessage } from './stream-protocol.js';
import type { StreamProtocol } from './stream-protocol.js';

/** How to run a command for a pod: the program (often nsenter) and its arguments, with the pod's environment. */
export interface ExecTarget {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Aborted when the pod's containers go (the pod deleted): a runtime kills what was exec'd in them too. */
  readonly podGone?: AbortSignal;
}

/** What the client sends, as the process needs it. */
export interface ClientEvents {
  stdin(data: Buffer): void;
  endStdin(): void;
  gone(): void;
}

/** A connection to the exec's client, whatever its protocol. */
export interface ExecTransport {
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
  listen(events: ClientEvents): void;
  /** The status, then the end of the session. */
  finish(status: ExecStatus): void;
}

export async function runExec(
  transport: ExecTransport,
  request: ExecRequest,
  target: ExecTarget,
): Promise<ExecOutcome> {
  const subprocess = execa(target.file, target.args, {
    env: target.env,
    extendEnv: false,
    stdin: request.stdin ? 'pipe' : 'ignore',
    stdout: request.stdout ? 'pipe' : 'ignore',
    // Without a terminal of our own, a tty session gets stderr where a terminal would show it.
    stderr: request.stderr || request.tty ? 'pipe' : 'ignore',
    buffer: false,
    reject: false,
  });
  subprocess.stdout?.on('data', (chunk: Buffer) => transport.stdout(chunk));
  subprocess.stderr?.on('data', (chunk: Buffer) =>
    request.tty ? transport.stdout(chunk) : transport.stderr(chunk),
  );
  subprocess.stdin?.on('error', () => undefined);
  const kill = (): void => void subprocess.kill('SIGKILL');
  if (target.podGone?.aborted) kill();
  target.podGone?.addEventListener('abort', kill, { once: true });
  transport.listen({
    stdin: (data) => subprocess.stdin?.write(data),
    endStdin: () => subprocess.stdin?.end(),
    gone: () => {
      if (subprocess.exitCode === null) subprocess.kill('SIGKILL');
    },
  });
  const result = await subprocess;
  target.podGone?.removeEventListener('abort', kill);
  const outcome = outcomeOf(result);
  transport.finish(execStatus(request.command, outcome));
  return outcome;
}

/** Exec over a WebSocket: a channel byte before every message, the status on the error channel, a normal close. */
export function webSocketTransport(socket: WebSocket, protocol: StreamProtocol): ExecTransport {
  const send = (channel: number, data: Buffer | string): void => {
    if (socket.readyState === socket.OPEN) socket.send(frame(channel, data));
  };
  return {
    stdout: (data) => send(Channel.stdout, data),
    stderr: (data) => send(Channel.stderr, data),
    listen: (events) => {
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return;
        const message = readClientMessage(protocol, data);
        if (message.kind === 'stdin') events.stdin(message.data);
        else if (message.kind === 'close-stdin') events.endStdin();
      });
      socket.on('close', () => events.gone());
    },
    finish: (status) => {
      send(Channel.error, JSON.stringify(status));
      if (socket.readyState === socket.OPEN) socket.close(1000);
    },
  };
}

function outcomeOf(result: { exitCode?: number; signal?: string }): ExecOutcome {
  if (result.exitCode !== undefined) return { kind: 'exited', exitCode: result.exitCode };
  if (result.signal !== undefined) return { kind: 'signalled', signal: result.signal };
  // With `reject: false` a command that could not be spawned comes back as the error itself.
  const message = result instanceof Error ? result.message : 'the command did not start';
  return { kind: 'failed-to-start', message };
}
