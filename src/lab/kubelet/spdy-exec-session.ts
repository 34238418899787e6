/**
 * Exec over SPDY/3.1, as kubectl up to 1.29 asks for it (kubectl 1.30+ and client-node
 * use WebSocket). kube-apiserver up to 1.29 hands the client's upgrade to the kubelet
 * unchanged, so the kubelet answers it: `101 Switching Protocols` with the chosen
 * `X-Stream-Protocol-Version` (v4.channel.k8s.io), then the client opens one SPDY stream
 * per channel, named by its `streamtype` header (error, stdin, stdout, stderr, resize),
 * and waits for each reply. Once the streams the request asked for are there, the
 * command runs; at its end stdout and stderr are closed, the status (a metav1.Status as
 * JSON) is written on the error stream, and the connection ends. Flow control is not
 * enforced, as spdystream (the client's library) does not enforce it either.
 */
import type { Duplex } from 'node:stream';
import type { ExecRequest } from './exec-request.js';
import type { ClientEvents, ExecTransport } from './exec-session.js';
import type { ExecStatus } from './exec-status.js';
import { HeaderCodec } from './spdy-header-codec.js';
import {
  controlFrame,
  dataFrame,
  FLAG_FIN,
  FrameReader,
  FrameType,
  goawayPayload,
  streamIdOf,
  synReplyPayload,
  synStreamHeaderBlock,
} from './spdy-frame.js';
import type { Frame } from './spdy-frame.js';

/** The only remote-command protocol served over SPDY: errors as a metav1.Status, like WebSocket v4. */
export const SPDY_STREAM_PROTOCOL = 'v4.channel.k8s.io';
export const SPDY_UPGRADE = 'SPDY/3.1';

export type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

/** The streams a kubelet waits for before it runs the command: error always, and each one asked for. */
export function expectedStreams(request: ExecRequest): StreamType[] {
  const asked: [boolean, StreamType][] = [
    [true, 'error'],
    [request.stdin, 'stdin'],
    [request.stdout, 'stdout'],
    [request.stderr, 'stderr'],
    [request.tty, 'resize'],
  ];
  return asked.filter(([wanted]) => wanted).map(([, type]) => type);
}

/** The protocols a client offered in `X-Stream-Protocol-Version` (one header or several, joined by commas). */
export function offeredSpdyProtocols(header: string | readonly string[] | undefined): string[] {
  const values = typeof header === 'string' ? [header] : (header ?? []);
  return values
    .flatMap((value) => value.split(','))
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

export function switchingProtocolsResponse(): string {
  return [
    'HTTP/1.1 101 Switching Protocols',
    'Connection: Upgrade',
    `Upgrade: ${SPDY_UPGRADE}`,
    `X-Stream-Protocol-Version: ${SPDY_STREAM_PROTOCOL}`,
    '',
    '',
  ].join('\r\n');
}

/**
 * Serves one exec on an upgraded connection; resolves with the transport once the
 * expected streams are open (or rejects when the client does not open them in time).
 */
export function acceptSpdyExec(
  socket: Duplex,
  head: Buffer,
  request: ExecRequest,
  timeoutMs = 30_000,
): Promise<ExecTransport> {
  const session = new SpdyExecSession(socket, expectedStreams(request));
  socket.write(switchingProtocolsResponse());
  return session.start(head, timeoutMs);
}

class SpdyExecSession implements ExecTransport {
  private readonly reader = new FrameReader();
  private readonly codec = new HeaderCodec();
  private readonly streams = new Map<StreamType, number>();
  private readonly typeOf = new Map<number, StreamType>();
  /** Frames are handled one after another: header blocks must be read in order. */
  private queue: Promise<void> = Promise.resolve();
  private events: ClientEvents | undefined;
  private readonly early: (Buffer | 'end')[] = [];
  private lastStreamId = 0;
  private ended = false;

  constructor(
    private readonly socket: Duplex,
    private readonly expected: readonly StreamType[],
  ) {}

  start(head: Buffer, timeoutMs: number): Promise<ExecTransport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.close();
        const opened = [...this.streams.keys()].join(', ') || 'none';
        reject(
          new Error(
            `the client did not open the streams ${this.expected.join(', ')} in time (opened: ${opened})`,
          ),
        );
      }, timeoutMs);
      const ready = (): void => {
        if (!this.expected.every((type) => this.streams.has(type))) return;
        clearTimeout(timer);
        resolve(this);
      };
      const receive = (bytes: Buffer): void => {
        for (const frame of this.reader.push(bytes))
          this.queue = this.queue.then(() => this.handle(frame).then(ready));
        this.queue = this.queue.catch((error: unknown) => {
          clearTimeout(timer);
          this.close();
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      };
      this.socket.on('data', receive);
      this.socket.on('close', () => {
        this.ended = true;
        this.codec.close();
        this.events?.gone();
      });
      this.socket.on('error', () => undefined);
      if (head.length > 0) receive(head);
    });
  }

  private async handle(frame: Frame): Promise<void> {
    if (frame.kind === 'data') return this.handleData(frame.streamId, frame.payload, frame.flags);
    switch (frame.type) {
      case FrameType.synStream: {
        const streamId = streamIdOf(frame.payload);
        const headers = await this.codec.decode(synStreamHeaderBlock(frame.payload));
        this.lastStreamId = Math.max(this.lastStreamId, streamId);
        const type = headers.streamtype as StreamType | undefined;
        if (type !== undefined && ['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type)) {
          this.streams.set(type, streamId);
          this.typeOf.set(streamId, type);
        }
        const reply = synReplyPayload(streamId, await this.codec.encode({}));
        this.write(controlFrame(FrameType.synReply, reply));
        if ((frame.flags & FLAG_FIN) !== 0) this.handleData(streamId, Buffer.alloc(0), frame.flags);
        return;
      }
      case FrameType.headers:
        // Its header block still advances the shared decompression context.
        await this.codec.decode(frame.payload.subarray(4));
        return;
      case FrameType.ping:
        this.write(controlFrame(FrameType.ping, frame.payload));
        return;
      case FrameType.goaway:
        this.close();
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, RST_STREAM: nothing for a one-command session to do.
        return;
    }
  }

  private handleData(streamId: number, payload: Buffer, flags: number): void {
    if (this.typeOf.get(streamId) !== 'stdin') return;
    if (payload.length > 0) this.deliver(payload);
    if ((flags & FLAG_FIN) !== 0) this.deliver('end');
  }

  private deliver(input: Buffer | 'end'): void {
    if (this.events === undefined) this.early.push(input);
    else if (input === 'end') this.events.endStdin();
    else this.events.stdin(input);
  }

  listen(events: ClientEvents): void {
    this.events = events;
    for (const input of this.early.splice(0)) this.deliver(input);
    if (this.ended) events.gone();
  }

  stdout(data: Buffer): void {
    this.send('stdout', data);
  }

  stderr(data: Buffer): void {
    this.send('stderr', data);
  }

  finish(status: ExecStatus): void {
    for (const type of ['stdout', 'stderr'] as const) this.send(type, Buffer.alloc(0), FLAG_FIN);
    this.send('error', Buffer.from(JSON.stringify(status)), FLAG_FIN);
    this.close();
  }

  private send(type: StreamType, data: Buffer, flags = 0): void {
    const streamId = this.streams.get(type);
    if (streamId === undefined) return;
    // A frame holds at most 16 MiB; process output comes in far smaller chunks, but split anyway.
    const CHUNK = 1 << 16;
    for (let offset = 0; offset < data.length || offset === 0; offset += CHUNK) {
      const last = offset + CHUNK >= data.length;
      this.write(dataFrame(streamId, data.subarray(offset, offset + CHUNK), last ? flags : 0));
      if (last) break;
    }
  }

  private write(bytes: Buffer): void {
    if (!this.ended && this.socket.writable) this.socket.write(bytes);
  }

  private close(): void {
    this.write(controlFrame(FrameType.goaway, goawayPayload(this.lastStreamId)));
    if (!this.ended) this.socket.end();
    this.ended = true;
  }
}
