/**
 * One exec over a WebSocket: run the command where the pod lives, stream stdout and
 * stderr on their channels as they come, feed stdin, and end with the status on the
 * error channel and a normal close, as the kubelet does. A client that goes away takes
 * its process with it.
 */
import { execa } from 'execa';
import type { WebSocket } from 'ws';
import type { ExecRequest } from './exec-request.js';
import { execStatus } from './exec-status.js';
import type { ExecOutcome } from './exec-status.js';
import { Channel, frame, readClientMessage } from './stream-protocol.js';
import type { StreamProtocol } from './stream-protocol.js';

/** How to run a command for a pod: the program (often nsenter) and its arguments, with the pod's environment. */
export interface ExecTarget {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export async function runExecSession(
  socket: WebSocket,
  protocol: StreamProtocol,
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
  const send = (channel: number, data: Buffer | string): void => {
    if (socket.readyState === socket.OPEN) socket.send(frame(channel, data));
  };
  subprocess.stdout?.on('data', (chunk: Buffer) => send(Channel.stdout, chunk));
  subprocess.stderr?.on('data', (chunk: Buffer) =>
    send(request.tty ? Channel.stdout : Channel.stderr, chunk),
  );
  subprocess.stdin?.on('error', () => undefined);
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return;
    const message = readClientMessage(protocol, data);
    if (message.kind === 'stdin') subprocess.stdin?.write(message.data);
    else if (message.kind === 'close-stdin') subprocess.stdin?.end();
  });
  socket.on('close', () => {
    if (subprocess.exitCode === null) subprocess.kill('SIGKILL');
  });
  const result = await subprocess;
  const outcome = outcomeOf(result);
  send(Channel.error, JSON.stringify(execStatus(request.command, outcome)));
  if (socket.readyState === socket.OPEN) socket.close(1000);
  return outcome;
}

function outcomeOf(result: { exitCode?: number; signal?: string }): ExecOutcome {
  if (result.exitCode !== undefined) return { kind: 'exited', exitCode: result.exitCode };
  if (result.signal !== undefined) return { kind: 'signalled', signal: result.signal };
  // With `reject: false` a command that could not be spawned comes back as the error itself.
  const message = result instanceof Error ? result.message : 'the command did not start';
  return { kind: 'failed-to-start', message };
}
