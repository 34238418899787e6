/**
 * Test-only: a DNS server that answers netpol-probe's query in every way a reply can be
 * right or wrong, one behaviour per port (UDP and TCP alike), for dns-probe.test.ts.
 * The test runs it inside a network namespace it made:
 *
 *   node --import tsx test/agent/dns-test-server.ts ADDRESS
 *
 * and waits for `ready`. It answers only the exact query netpol-probe must send (A
 * kubernetes.default.svc.cluster.local., IN, RD, one question, no other records), so a
 * probe that connects proves the encoder too; any other query gets no answer at all.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCENARIOS = {
  noerror: 5301,
  nxdomain: 5302,
  'refused-without-question': 5303,
  'wrong-id': 5304,
  'query-not-response': 5305,
  'short-header': 5306,
  'record-past-end': 5307,
  'forward-pointer': 5308,
  echo: 5309,
  silent: 5310,
  'stray-then-right': 5311,
  'close-at-once': 5312,
  'split-in-pieces': 5313,
  'other-question': 5314,
  'trailing-byte': 5315,
  'servfail-uppercase': 5316,
} as const;
export type Scenario = keyof typeof SCENARIOS;

const QUESTION_NAME = 'kubernetes.default.svc.cluster.local';
const ANSWER_ADDRESS = [198, 19, 128, 1];

function encodeName(name: string): Buffer {
  const labels = name
    .split('.')
    .map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)]));
  return Buffer.concat([...labels, Buffer.from([0])]);
}

/** The question netpol-probe asks: the name, type A, class IN. */
const QUESTION = Buffer.concat([encodeName(QUESTION_NAME), Buffer.from([0, 1, 0, 1])]);

/** The query's ID when it is exactly netpol-probe's query, else undefined. */
export function queryId(message: Buffer): number | undefined {
  if (message.length !== 12 + QUESTION.length) return undefined;
  const [flags, questions, answers, authority, additional] = [2, 4, 6, 8, 10].map((at) =>
    message.readUInt16BE(at),
  );
  if (flags !== 0x0100 || questions !== 1 || answers !== 0 || authority !== 0 || additional !== 0)
    return undefined;
  return message.subarray(12).equals(QUESTION) ? message.readUInt16BE(0) : undefined;
}

interface ResponseShape {
  readonly id: number;
  readonly rcode?: number;
  readonly question?: Buffer | null;
  readonly answers?: readonly Buffer[];
  readonly flags?: number;
}

function response(shape: ResponseShape): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(shape.id, 0);
  header.writeUInt16BE(shape.flags ?? 0x8180 | (shape.rcode ?? 0), 2);
  header.writeUInt16BE(shape.question === null ? 0 : 1, 4);
  header.writeUInt16BE(shape.answers?.length ?? 0, 6);
  return Buffer.concat([
    header,
    shape.question === null ? Buffer.alloc(0) : (shape.question ?? QUESTION),
    ...(shape.answers ?? []),
  ]);
}

/** An A record for the question's name (a pointer to offset 12), TTL 30. */
function answerA(pointer = 12, rdlength = 4): Buffer {
  const record = Buffer.alloc(12);
  record.writeUInt16BE(0xc000 | pointer, 0);
  record.writeUInt16BE(1, 2);
  record.writeUInt16BE(1, 4);
  record.writeUInt32BE(30, 6);
  record.writeUInt16BE(rdlength, 10);
  return Buffer.concat([record, Buffer.from(ANSWER_ADDRESS)]);
}

/** The messages a scenario sends back to one query; `silent` and `close-at-once` send none. */
export function replies(scenario: Scenario, query: Buffer, id: number): Buffer[] {
  switch (scenario) {
    case 'noerror':
    case 'split-in-pieces':
      return [response({ id, answers: [answerA()] })];
    case 'nxdomain':
      return [response({ id, rcode: 3 })];
    case 'refused-without-question':
      return [response({ id, rcode: 5, question: null })];
    case 'wrong-id':
      return [response({ id: id ^ 0x5a5a, answers: [answerA()] })];
    case 'query-not-response':
      return [response({ id, flags: 0x0180 })]; // RD and RA, but QR clear
    case 'short-header':
      return [response({ id, answers: [answerA()] }).subarray(0, 10)];
    case 'record-past-end':
      return [response({ id, answers: [answerA(12, 40)] })];
    case 'forward-pointer':
      return [response({ id, answers: [answerA(12 + QUESTION.length + 2)] })];
    case 'echo':
      return [query];
    case 'stray-then-right':
      return [response({ id: id ^ 1, answers: [answerA()] }), response({ id, answers: [answerA()] })];
    case 'other-question':
      return [
        response({ id, question: Buffer.concat([encodeName('example.org'), Buffer.from([0, 1, 0, 1])]) }),
      ];
    case 'trailing-byte':
      return [Buffer.concat([response({ id, answers: [answerA()] }), Buffer.from([0])])];
    case 'servfail-uppercase':
      return [
        response({
          id,
          rcode: 2,
          question: Buffer.from(QUESTION.toString('latin1').toUpperCase(), 'latin1'),
        }),
      ];
    case 'silent':
    case 'close-at-once':
      return [];
  }
}

function serveUdp(address: string, scenario: Scenario, port: number): Promise<void> {
  const socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    const id = scenario === 'echo' ? message.readUInt16BE(0) : queryId(message);
    if (id === undefined) return;
    for (const reply of replies(scenario, message, id)) socket.send(reply, peer.port, peer.address);
  });
  return new Promise((resolve) => socket.bind(port, address, () => resolve()));
}

function serveTcp(address: string, scenario: Scenario, port: number): Promise<void> {
  const server = createServer((connection) => {
    connection.on('error', () => undefined);
    if (scenario === 'close-at-once') return void connection.destroy();
    connection.setNoDelay(true);
    let pending = Buffer.alloc(0);
    connection.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 2 || pending.length < 2 + pending.readUInt16BE(0)) return;
      const query = pending.subarray(2, 2 + pending.readUInt16BE(0));
      const id = scenario === 'echo' ? query.readUInt16BE(0) : queryId(query);
      if (id === undefined) return;
      const framed = replies(scenario, query, id).map((reply) => {
        const length = Buffer.alloc(2);
        length.writeUInt16BE(reply.length);
        return Buffer.concat([length, reply]);
      });
      if (scenario === 'split-in-pieces') return void writeSlowly(connection, Buffer.concat(framed));
      for (const message of framed) connection.write(message);
    });
  });
  return new Promise((resolve) => server.listen(port, address, () => resolve()));
}

/** One byte every 2 ms: the prober must put a reply together from many reads. */
function writeSlowly(connection: Socket, bytes: Buffer, at = 0): void {
  if (at >= bytes.length || connection.destroyed) return;
  connection.write(bytes.subarray(at, at + 1));
  setTimeout(() => writeSlowly(connection, bytes, at + 1), 2);
}

async function main(address: string): Promise<void> {
  for (const [scenario, port] of Object.entries(SCENARIOS) as [Scenario, number][]) {
    await serveUdp(address, scenario, port);
    await serveTcp(address, scenario, port);
  }
  process.stdout.write('ready\n');
}

// Run as a program (the test imports SCENARIOS from it too).
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const address = process.argv[2];
  if (address === undefined) {
    process.stderr.write('usage: dns-test-server.ts ADDRESS\n');
    process.exit(2);
  }
  await main(address);
}
