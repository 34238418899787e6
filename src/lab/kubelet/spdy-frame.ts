/**
 * SPDY/3.1 frames, as much of them as `kubectl exec` before 1.30 uses (it upgrades to
 * SPDY, and kube-apiserver up to 1.29 passes that upgrade to the kubelet unchanged).
 * Every frame has an 8-byte head: a control frame `1 | version(15) | type(16)`, a data
 * frame `0 | stream id(31)`, then `flags(8) | length(24)` and the payload.
 * https://www.chromium.org/spdy/spdy-protocol/spdy-protocol-draft3-1/
 */
export const FrameType = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goaway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;
const SPDY_VERSION = 3;
const HEAD_BYTES = 8;
const MAX_PAYLOAD = 0xffffff;

export type Frame =
  | {
      readonly kind: 'control';
      readonly type: number;
      readonly flags: number;
      readonly payload: Buffer;
    }
  | { readonly kind: 'data'; readonly streamId: number; readonly flags: number; readonly payload: Buffer };

/** Splits a byte stream into frames; bytes of an unfinished frame wait for the next push. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(bytes: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    const frames: Frame[] = [];
    while (this.pending.length >= HEAD_BYTES) {
      const length = this.pending.readUIntBE(5, 3);
      if (this.pending.length < HEAD_BYTES + length) break;
      frames.push(parseFrame(this.pending.subarray(0, HEAD_BYTES + length)));
      this.pending = this.pending.subarray(HEAD_BYTES + length);
    }
    return frames;
  }
}

function parseFrame(bytes: Buffer): Frame {
  const flags = bytes.readUInt8(4);
  const payload = Buffer.from(bytes.subarray(HEAD_BYTES));
  if ((bytes.readUInt8(0) & 0x80) !== 0)
    return { kind: 'control', type: bytes.readUInt16BE(2), flags, payload };
  return { kind: 'data', streamId: bytes.readUInt32BE(0) & 0x7fffffff, flags, payload };
}

export function dataFrame(streamId: number, payload: Buffer, flags = 0): Buffer {
  const head = Buffer.alloc(HEAD_BYTES);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  writeFlagsAndLength(head, flags, payload.length);
  return Buffer.concat([head, payload]);
}

function writeFlagsAndLength(head: Buffer, flags: number, length: number): void {
  if (length > MAX_PAYLOAD) throw new Error(`a SPDY frame holds at most ${MAX_PAYLOAD} bytes, not ${length}`);
  head.writeUInt8(flags & 0xff, 4);
  head.writeUIntBE(length, 5, 3);
}

export function controlFrame(type: number, payload: Buffer, flags = 0): Buffer {
  const head = Buffer.alloc(HEAD_BYTES);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  writeFlagsAndLength(head, flags, payload.length);
  return Buffer.concat([head, payload]);
}

/** The stream id that starts the payload of SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS. */
export function streamIdOf(payload: Buffer): number {
  return payload.readUInt32BE(0) & 0x7fffffff;
}

/** SYN_STREAM: stream id, associated stream id, priority and slot, then the compressed header block. */
export function synStreamHeaderBlock(payload: Buffer): Buffer {
  return payload.subarray(10);
}

/** What a client sends to open a stream (associated stream 0, priority 0). */
export function synStreamPayload(streamId: number, compressedHeaders: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
  return Buffer.concat([fixed, compressedHeaders]);
}

export function synReplyPayload(streamId: number, compressedHeaders: Buffer): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff, 0);
  return Buffer.concat([id, compressedHeaders]);
}

/** GOAWAY: the last stream id this side accepted and a status (0 OK). */
export function goawayPayload(lastStreamId: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(lastStreamId & 0x7fffffff, 0);
  return payload;
}

/** An uncompressed header block: a 32-bit count, then each name and value with a 32-bit length. */
export function encodeHeaderBlock(headers: Readonly<Record<string, string>>): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [uint32(entries.length)];
  for (const [name, value] of entries) {
    for (const text of [name.toLowerCase(), value]) {
      const bytes = Buffer.from(text);
      parts.push(uint32(bytes.length), bytes);
    }
  }
  return Buffer.concat(parts);
}

/** Names are lowercase on the wire; a value holding several is NUL-separated, of which the first is kept. */
export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  let offset = 0;
  const take = (): string => {
    const length = block.readUInt32BE(offset);
    const text = block.toString('utf8', offset + 4, offset + 4 + length);
    offset += 4 + length;
    return text;
  };
  const count = block.readUInt32BE(offset);
  offset += 4;
  for (let index = 0; index < count; index++) {
    const name = take();
    headers[name] = take().split('\0')[0] ?? '';
  }
  return headers;
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value, 0);
  return bytes;
}
