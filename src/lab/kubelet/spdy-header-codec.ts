/**
 * SPDY header blocks are compressed with one zlib stream per direction for the whole
 * connection, primed with the SPDY dictionary and flushed (Z_SYNC_FLUSH) after every
 * block: a block can only be read after all the blocks before it, in order. Calls must
 * not overlap; the session runs them one at a time.
 */
import { constants, createDeflate, createInflate } from 'node:zlib';
import type { Deflate, Inflate } from 'node:zlib';
import { SPDY_HEADER_DICTIONARY } from './spdy-dictionary.js';
import { decodeHeaderBlock, encodeHeaderBlock } from './spdy-frame.js';

export class HeaderCodec {
  private readonly inflate = createInflate({ dictionary: SPDY_HEADER_DICTIONARY });
  private readonly deflate = createDeflate({ dictionary: SPDY_HEADER_DICTIONARY });

  async decode(compressed: Buffer): Promise<Record<string, string>> {
    return decodeHeaderBlock(await flushThrough(this.inflate, compressed));
  }

  async encode(headers: Readonly<Record<string, string>>): Promise<Buffer> {
    return flushThrough(this.deflate, encodeHeaderBlock(headers));
  }

  close(): void {
    this.inflate.destroy();
    this.deflate.destroy();
  }
}

/** Writes `input`, flushes, and takes everything the stream produced (it is never left flowing). */
function flushThrough(stream: Inflate | Deflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(error);
    stream.once('error', fail);
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('error', fail);
      const chunks: Buffer[] = [];
      for (let chunk: unknown = stream.read(); chunk !== null; chunk = stream.read())
        if (Buffer.isBuffer(chunk)) chunks.push(chunk);
      resolve(Buffer.concat(chunks));
    });
  });
}
