/**
 * The agent's exec protocol under hostile input: 12,000 seeded random inputs (raw bytes,
 * random JSON, valid batches with one field mutated) never crash the decoder; every
 * refusal is a list of problems in the protocol's own words; anything accepted really is
 * within the limits, checked here independently of the decoder. Oversized input is
 * refused by the probe command before it is parsed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { decodeBatch, EXIT, LIMITS, runAgent } from '../../agent/index.js';

const SEED = 0x6e7061;

/** mulberry32: a small seeded generator, so a failing input can be made again. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = randomSource(SEED);
const below = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[below(items.length)] as T;

/** Values chosen to sit on and past every limit the protocol has. */
const EDGE_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1,
  1.5,
  65535,
  65536,
  LIMITS.timeoutMs,
  LIMITS.timeoutMs + 1,
  LIMITS.attempts + 1,
  1e308,
  -0,
  '',
  ' ',
  'TCP',
  'udp',
  '10.0.0.1',
  '::1',
  '999.1.1.1',
  '/',
  'relative/path',
  `/${'a'.repeat(LIMITS.pathLength)}`,
  'x'.repeat(257),
  'a#b',
  'a\\b',
  'é',
  '\u0000',
  [],
  [1, 2],
  {},
  { kind: 'pod' },
  { kind: 'pod', uid: '../../etc' },
  { kind: 'netns', path: '/proc/1/ns/net\n' },
  { kind: 'host' },
  { kind: 'vm' },
];

function randomValue(depth = 0): unknown {
  const roll = below(depth > 3 ? 6 : 9);
  if (roll < 4) return pick(EDGE_VALUES);
  if (roll === 4) return random() * 2 ** below(60) * (random() < 0.5 ? -1 : 1);
  if (roll === 5) return String.fromCharCode(...Array.from({ length: below(20) }, () => below(0x3000)));
  if (roll === 6) return Array.from({ length: below(4) }, () => randomValue(depth + 1));
  const keys = ['kind', 'id', 'version', 'requests', 'port', 'ip', pick(['source', 'at', 'extra'])];
  return Object.fromEntries(keys.slice(0, below(keys.length)).map((key) => [key, randomValue(depth + 1)]));
}

function validBatch(): { version: number; requests: Record<string, unknown>[] } {
  return {
    version: 1,
    requests: [
      {
        kind: 'probe',
        id: 'web-to-db',
        source: { kind: 'pod', uid: 'a1b2c3' },
        ip: '10.0.0.2',
        port: 5432,
        protocol: 'TCP',
        timeoutMs: 1000,
        attempts: 2,
      },
      {
        kind: 'probe',
        id: 'udp-1',
        source: { kind: 'netns', path: '/run/netns/x' },
        ip: 'fd00::2',
        port: 9000,
        protocol: 'UDP',
        timeoutMs: 1000,
        attempts: 1,
        nonce: 'n-1',
        udpProof: 'capture',
        destination: { kind: 'pod', uid: 'd4' },
      },
      {
        kind: 'capture',
        id: 'cap-1',
        at: { kind: 'pod', uid: 'd4' },
        port: 9000,
        nonce: 'n-1',
        attempts: 1,
        timeoutMs: 1000,
      },
    ],
  };
}

/** A valid batch with one field replaced, removed, or added. */
function mutatedBatch(): unknown {
  const batch = validBatch();
  const request = pick(batch.requests);
  const keys = Object.keys(request);
  const roll = below(4);
  if (roll === 0) request[pick(keys)] = randomValue();
  else if (roll === 1) delete request[pick(keys)];
  else if (roll === 2) request[pick(['extra', 'command', '__proto__', 'constructor'])] = randomValue();
  else (batch as Record<string, unknown>)[pick(['version', 'requests'])] = randomValue();
  return batch;
}

function randomBytes(): string {
  return Buffer.from(Array.from({ length: below(200) }, () => below(256))).toString('latin1');
}

/** Every problem the decoder may name, as the start of its sentence. */
const PROBLEM =
  /^(not JSON: |a batch is an object|version .+: this agent speaks 1$|requests: want a list$|more than \d+ requests$|requests\[\d+\]: (want an object$|id: want|id '.*' is used twice$|kind: want probe or capture|unknown key '.*'$|(source|destination|at)(\.(kind|uid|path))?: want|ip: want|(port|timeoutMs|attempts): want an integer from \d+ to \d+$|protocol: want|nonce: want|udpProof|destination: only|query))/s;

type Verdict = { kind: 'refused'; problems: string[] } | { kind: 'accepted'; requests: unknown[] };

function decide(text: string): Verdict {
  const decoded = decodeBatch(text);
  return decoded.ok
    ? { kind: 'accepted', requests: [...decoded.value.requests] }
    : { kind: 'refused', problems: decoded.problems };
}

/** What an accepted request must be, checked without the decoder's code. */
function assertWithinLimits(request: unknown, text: string): void {
  const r = request as Record<string, unknown>;
  const where = `accepted out of range: ${text.slice(0, 300)}`;
  assert.ok(r.kind === 'probe' || r.kind === 'capture', where);
  assert.ok(typeof r.id === 'string' && r.id.length >= 1 && r.id.length <= 256, where);
  assert.ok(Number.isInteger(r.port) && (r.port as number) >= 1 && (r.port as number) <= 65535, where);
  assert.ok(Number.isInteger(r.attempts) && (r.attempts as number) <= LIMITS.attempts, where);
  assert.ok(Number.isInteger(r.timeoutMs) && (r.timeoutMs as number) <= LIMITS.timeoutMs, where);
  if (r.kind === 'probe') {
    assert.ok(typeof r.ip === 'string' && isIP(r.ip) !== 0, where);
    assert.ok(['TCP', 'UDP', 'SCTP'].includes(r.protocol as string), where);
  }
  for (const ref of [r.source, r.destination, r.at]) {
    if (ref === undefined) continue;
    const netns = ref as Record<string, unknown>;
    assert.ok(['pod', 'netns', 'host'].includes(netns.kind as string), where);
    if (netns.kind === 'netns') {
      assert.ok(typeof netns.path === 'string' && netns.path.startsWith('/'), where);
      assert.ok(netns.path.length <= LIMITS.pathLength && !/[\0\n]/.test(netns.path), where);
    }
  }
}

describe('the batch decoder under random input', () => {
  const inputs: { label: string; make: () => string; count: number }[] = [
    { label: 'random bytes', make: randomBytes, count: 2_000 },
    { label: 'random JSON values', make: () => JSON.stringify(randomValue()) ?? 'undefined', count: 4_000 },
    {
      label: 'valid batches with one field mutated',
      make: () => JSON.stringify(mutatedBatch()),
      count: 6_000,
    },
  ];

  for (const { label, make, count } of inputs) {
    test(`${count} ${label}: no crash, each refusal in the protocol's words, each acceptance within limits`, () => {
      const tally = { refused: 0, accepted: 0 };
      for (let i = 0; i < count; i += 1) {
        const text = make();
        const verdict = decide(text);
        tally[verdict.kind] += 1;
        if (verdict.kind === 'accepted') {
          for (const request of verdict.requests) assertWithinLimits(request, text);
          continue;
        }
        assert.ok(verdict.problems.length > 0, `a refusal without a problem: ${text.slice(0, 200)}`);
        for (const problem of verdict.problems)
          assert.match(problem, PROBLEM, `for input ${text.slice(0, 200)}`);
      }
      assert.ok(tally.refused > count / 2, `most random input is refused (${JSON.stringify(tally)})`);
    });
  }

  test('the limits are edges: the last value within is accepted, the first past it refused', () => {
    const at = (field: string, value: unknown) => {
      const batch = validBatch();
      (batch.requests[0] as Record<string, unknown>)[field] = value;
      return decide(JSON.stringify(batch)).kind;
    };
    for (const [field, last] of [
      ['port', 65535],
      ['attempts', LIMITS.attempts],
      ['timeoutMs', LIMITS.timeoutMs],
    ] as const) {
      assert.equal(at(field, last), 'accepted', `${field} ${last}`);
      assert.equal(at(field, last + 1), 'refused', `${field} ${last + 1}`);
    }
    assert.equal(at('source', { kind: 'netns', path: `/${'p'.repeat(LIMITS.pathLength - 1)}` }), 'accepted');
    assert.equal(at('source', { kind: 'netns', path: `/${'p'.repeat(LIMITS.pathLength)}` }), 'refused');
  });

  test(`more than ${LIMITS.requests} requests are refused as such`, () => {
    const request = validBatch().requests[0];
    const requests = Array.from({ length: LIMITS.requests + 1 }, (_, i) => ({ ...request, id: `r${i}` }));
    const verdict = decide(JSON.stringify({ version: 1, requests }));
    assert.deepEqual(verdict, { kind: 'refused', problems: [`more than ${LIMITS.requests} requests`] });
  });
});

test(`a batch over ${LIMITS.batchBytes} bytes is refused before it is parsed`, async () => {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  const chunks = Math.ceil(LIMITS.batchBytes / chunk.length) + 1;
  let stdout = '';
  const status = await runAgent(['probe'], {
    stdin: Readable.from(
      (function* () {
        for (let i = 0; i < chunks; i += 1) yield chunk;
      })(),
    ),
    stdout: (text) => (stdout += text),
    stderr: () => undefined,
    env: {},
  });
  assert.equal(status, EXIT.usage);
  assert.equal(stdout, `TAP version 14\nBail out! bad batch: larger than ${LIMITS.batchBytes} bytes\n`);
});
