/**
 * `agent probe`'s stdin: one JSON batch, then (optionally) `go` for held probes and
 * `stop ID` lines the runner writes while the batch runs (formatGo, formatStopCapture
 * in protocol.ts). The batch ends at the
 * first newline after its outermost object closes, or with stdin: a pretty-printed batch
 * is read whole as before, and stdin that never holds an object is read to its end. The
 * batch is read whole before anything runs, and refused past `limit` bytes (the rest is
 * not kept); the lines after it are handed over as they come.
 */
import { isGoLine, parseStopCapture } from './protocol.js';

/** What came on stdin: the batch's text, or that it passed the byte limit. */
export type BatchText = { readonly ok: true; readonly text: string } | { readonly ok: false };

export class AgentInput {
  private readonly framing = new JsonFraming();
  private chunks: Buffer[] = [];
  private size = 0;
  private batchSettled = false;
  /** The batch passed the limit: nothing more is kept. */
  private refused = false;
  /** The line after the batch that has no newline yet. */
  private partial = '';
  private resolveBatch: (batch: BatchText) => void = () => undefined;
  private readonly batchText: Promise<BatchText>;
  private onStop: ((id: string) => void) | undefined;
  /** Stops that came before anyone listened for them. */
  private readonly early: string[] = [];
  private release: () => void = () => undefined;
  /** Settles at a `go` line, or when stdin ends: a runner that is gone holds nothing back. */
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));
  private readonly onData = (chunk: Buffer | string): void => this.take(chunk);
  private readonly onEnd = (): void => {
    this.settle();
    this.release();
  };

  constructor(
    private readonly stream: NodeJS.ReadableStream,
    private readonly limit: number,
  ) {
    this.batchText = new Promise((resolve) => {
      this.resolveBatch = resolve;
    });
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('error', this.onEnd);
  }

  /** The batch's text once it is whole (or stdin ended); not ok past `limit` bytes. */
  batch(): Promise<BatchText> {
    return this.batchText;
  }

  /** Settles once `go` came after the batch, or stdin ended. */
  go(): Promise<void> {
    return this.released;
  }

  /** Hands over each `stop ID` after the batch, those that came already first. */
  stops(onStop: (id: string) => void): void {
    for (const id of this.early.splice(0)) onStop(id);
    this.onStop = onStop;
  }

  /** Stops reading: the batch is done, and a stdin left open must not keep the agent alive. */
  close(): void {
    this.stream.removeListener('data', this.onData);
    this.stream.removeListener('end', this.onEnd);
    this.stream.removeListener('error', this.onEnd);
    this.stream.pause();
    const { destroy } = this.stream as { destroy?: () => void };
    if (typeof destroy === 'function') destroy.call(this.stream);
  }

  private take(chunk: Buffer | string): void {
    if (this.refused) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.batchSettled) return this.lines(bytes.toString('utf8'));
    const end = this.framing.endIn(bytes);
    const head = end < 0 ? bytes : bytes.subarray(0, end);
    this.size += head.length;
    if (this.size > this.limit) {
      this.refused = true;
      this.chunks = [];
      this.batchSettled = true;
      return this.resolveBatch({ ok: false });
    }
    this.chunks.push(head);
    if (end < 0) return;
    this.settle();
    this.lines(bytes.subarray(end).toString('utf8'));
  }

  private lines(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (isGoLine(line)) this.release();
      const id = parseStopCapture(line);
      if (id === undefined) continue;
      if (this.onStop === undefined) this.early.push(id);
      else this.onStop(id);
    }
  }

  private settle(): void {
    if (this.batchSettled) return;
    this.batchSettled = true;
    const text = Buffer.concat(this.chunks).toString('utf8');
    this.chunks = [];
    this.resolveBatch({ ok: true, text });
  }
}

/** Follows JSON's nesting byte by byte (strings and escapes too) to see where a top-level object ends. */
class JsonFraming {
  private depth = 0;
  private opened = false;
  private inString = false;
  private escaped = false;

  /** Where the batch ends in `bytes` (just past the newline after its object), or -1. */
  endIn(bytes: Buffer): number {
    for (let at = 0; at < bytes.length; at++) {
      const byte = bytes[at] as number;
      if (this.inString) this.stringByte(byte);
      else if (byte === 0x22) this.inString = true;
      else if (byte === 0x7b || byte === 0x5b) {
        this.depth++;
        this.opened = true;
      } else if (byte === 0x7d || byte === 0x5d) this.depth--;
      else if (byte === 0x0a && this.opened && this.depth <= 0) return at + 1;
    }
    return -1;
  }

  private stringByte(byte: number): void {
    if (this.escaped) this.escaped = false;
    else if (byte === 0x5c) this.escaped = true;
    else if (byte === 0x22) this.inString = false;
  }
}
