/** SPDY/3.1 as kubectl's exec uses it: frames, header blocks, the zlib dictionary, and which streams an exec waits for. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  controlFrame,
  dataFrame,
  decodeHeaderBlock,
  encodeHeaderBlock,
  expectedStreams,
  FLAG_FIN,
  FrameReader,
  FrameType,
  HeaderCodec,
  offeredSpdyProtocols,
  SPDY_HEADER_DICTIONARY,
  streamIdOf,
  switchingProtocolsResponse,
  synReplyPayload,
} from '../../../src/lab/kubelet/index.js';

test('the header dictionary is the 1423 bytes of the SPDY/3 draft, byte for byte', () => {
  assert.equal(SPDY_HEADER_DICTIONARY.length, 1423);
  assert.equal(
    createHash('sha256').update(SPDY_HEADER_DICTIONARY).digest('hex'),
    '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02',
  );
});

test('a control frame starts with the control bit and version 3; a data frame with its stream id', () => {
  const reply = controlFrame(FrameType.synReply, synReplyPayload(5, Buffer.from([1, 2])), FLAG_FIN);
  assert.deepEqual([...reply.subarray(0, 8)], [0x80, 0x03, 0x00, 0x02, 0x01, 0x00, 0x00, 0x06]);
  const data = dataFrame(7, Buffer.from('hi'), FLAG_FIN);
  assert.deepEqual([...data], [0, 0, 0, 7, 1, 0, 0, 2, 0x68, 0x69]);
});

test('frames split anywhere across reads come out whole and in order', () => {
  const bytes = Buffer.concat([
    dataFrame(1, Buffer.from('first')),
    controlFrame(FrameType.ping, Buffer.from([0, 0, 0, 1])),
    dataFrame(3, Buffer.alloc(0), FLAG_FIN),
  ]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const reader = new FrameReader();
    const frames = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
    assert.equal(frames.length, 3, `cut at ${cut}`);
    assert.deepEqual(frames[0], { kind: 'data', streamId: 1, flags: 0, payload: Buffer.from('first') });
    assert.ok(frames[1]?.kind === 'control' && frames[1].type === FrameType.ping);
    assert.ok(frames[2]?.kind === 'data' && frames[2].flags === FLAG_FIN && frames[2].payload.length === 0);
  }
  assert.equal(streamIdOf(Buffer.from([0x80, 0, 0, 9])), 9, 'the reserved bit is not part of the id');
});

test('header blocks keep names lowercase and compress through one zlib stream per direction', async () => {
  const block = encodeHeaderBlock({ StreamType: 'stdout' });
  assert.deepEqual(decodeHeaderBlock(block), { streamtype: 'stdout' });
  const writer = new HeaderCodec();
  const reader = new HeaderCodec();
  const blocks = [];
  for (const type of ['error', 'stdin', 'stdout']) blocks.push(await writer.encode({ streamtype: type }));
  // Only the whole sequence, in order, can be read: each block continues the last one's context.
  const read = [];
  for (const compressed of blocks) read.push(await reader.decode(compressed));
  assert.deepEqual(read, [{ streamtype: 'error' }, { streamtype: 'stdin' }, { streamtype: 'stdout' }]);
  await assert.rejects(new HeaderCodec().decode(blocks[1] ?? Buffer.alloc(0)));
  writer.close();
  reader.close();
});

test('an exec waits for the error stream and each stream it asked for, resize with a terminal', () => {
  const request = { namespace: 'a', pod: 'b', container: 'c', command: ['x'] };
  assert.deepEqual(expectedStreams({ ...request, stdin: false, stdout: true, stderr: true, tty: false }), [
    'error',
    'stdout',
    'stderr',
  ]);
  assert.deepEqual(expectedStreams({ ...request, stdin: true, stdout: true, stderr: false, tty: true }), [
    'error',
    'stdin',
    'stdout',
    'resize',
  ]);
});

test('the offered protocols come from one header or several; the answer names the upgrade and v4', () => {
  assert.deepEqual(offeredSpdyProtocols('v4.channel.k8s.io, v3.channel.k8s.io'), [
    'v4.channel.k8s.io',
    'v3.channel.k8s.io',
  ]);
  assert.deepEqual(offeredSpdyProtocols(['v4.channel.k8s.io', 'channel.k8s.io']), [
    'v4.channel.k8s.io',
    'channel.k8s.io',
  ]);
  assert.deepEqual(offeredSpdyProtocols(undefined), []);
  assert.match(
    switchingProtocolsResponse(),
    /^HTTP\/1\.1 101 .*\r\nUpgrade: SPDY\/3\.1\r\n.*v4\.channel\.k8s\.io\r\n\r\n$/s,
  );
});
