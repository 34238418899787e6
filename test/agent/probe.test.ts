/**
 * Real probes between two namespaces made by the test (198.18.0.0/15 only): the agent's
 * own responder listens in the destination, nftables inside the destination drops or
 * rejects some ports, and batches run from the source through nsenter and netpol-probe,
 * all of it the agent's payload (netns-fixture.ts). Needs root, iproute2, nftables and
 * util-linux; skipped with the reason otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { formatStopCapture, probeBinary, readAgentOutput, runBatch } from '../../agent/index.js';
import type { AgentRequest, AgentResponse, NetnsRef, ProbeRequest } from '../../agent/index.js';
import type { BackgroundProcess, NetnsPair } from './netns-fixture.js';
import {
  AGENT_BIN,
  createNetnsPair,
  netnsSkipReason,
  nftInside,
  PROBE_BIN,
  startInNetns,
} from './netns-fixture.js';

const skip = await netnsSkipReason();

const OPEN_TCP = 8080;
const DROPPED_TCP = 8081;
const REJECTED_TCP = 8082;
const ECHO_UDP = 5353;
const DROPPED_UDP = 5354;
const REJECTED_UDP = 5355;
const CLOSED = 9;

/** Drops and rejects happen inside the destination's namespace, as a policy would at the pod. */
const RULESET = `
table ip npt_policy {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport ${DROPPED_TCP} drop
    udp dport ${DROPPED_UDP} drop
    tcp dport ${REJECTED_TCP} reject with icmp type admin-prohibited
    udp dport ${REJECTED_UDP} reject with icmp type admin-prohibited
  }
}
`;

describe('agent probe between two namespaces', { skip }, () => {
  let pair: NetnsPair;
  let responder: BackgroundProcess | undefined;
  let binary: string;
  let source: NetnsRef;
  let destination: NetnsRef;

  before(async () => {
    binary = await probeBinary();
    assert.equal(binary, PROBE_BIN, "the payload's netpol-probe");
    pair = await createNetnsPair();
    try {
      source = { kind: 'netns', path: pair.sourcePath };
      destination = { kind: 'netns', path: pair.destinationPath };
      await nftInside(pair, pair.destination, RULESET);
      responder = await startInNetns(pair, pair.destination, process.execPath, [
        AGENT_BIN,
        'respond',
        '--tcp',
        `${OPEN_TCP},${DROPPED_TCP},${REJECTED_TCP}`,
        '--udp',
        `${ECHO_UDP},${DROPPED_UDP},${REJECTED_UDP}`,
      ]);
    } catch (error) {
      await responder?.stop();
      await pair.remove();
      throw error;
    }
  });

  after(async () => {
    await responder?.stop();
    await pair?.remove();
  });

  const probe = (
    id: string,
    protocol: ProbeRequest['protocol'],
    port: number,
    extra: Partial<ProbeRequest> = {},
  ) =>
    ({
      kind: 'probe',
      id,
      source,
      ip: pair.destinationIp,
      port,
      protocol,
      timeoutMs: 500,
      attempts: 1,
      ...extra,
    }) satisfies ProbeRequest;

  const run = async (requests: AgentRequest[]) => {
    let text = '';
    const responses = await runBatch(
      { version: 1, requests },
      { binary, procRoot: '/proc', skipPids: [process.pid], write: (chunk) => (text += chunk) },
    );
    return { responses, text, byId: new Map(responses.map((r) => [r.id, r])) };
  };

  const observationOf = (byId: Map<string, AgentResponse>, id: string) => byId.get(id)?.observation;

  test('the responder says it is ready with the ports it listens on', () => {
    assert.equal(responder?.firstLine, `ready tcp:8080 tcp:8081 tcp:8082 udp:5353 udp:5354 udp:5355`);
  });

  test('each kind of answer gets its own observation, all in about one timeout', async () => {
    const started = Date.now();
    const { byId, text } = await run([
      probe('tcp-open', 'TCP', OPEN_TCP),
      probe('tcp-closed', 'TCP', CLOSED),
      probe('tcp-dropped', 'TCP', DROPPED_TCP),
      probe('tcp-rejected', 'TCP', REJECTED_TCP),
      probe('udp-echo', 'UDP', ECHO_UDP),
      probe('udp-closed', 'UDP', CLOSED),
      probe('udp-dropped', 'UDP', DROPPED_UDP),
      probe('udp-rejected', 'UDP', REJECTED_UDP),
    ]);
    const elapsed = Date.now() - started;
    assert.deepEqual(Object.fromEntries([...byId].map(([id, response]) => [id, response.observation])), {
      'tcp-open': 'connected',
      'tcp-closed': 'refused',
      'tcp-dropped': 'timeout',
      'tcp-rejected': 'unreachable',
      'udp-echo': 'connected',
      'udp-closed': 'refused',
      'udp-dropped': 'timeout',
      'udp-rejected': 'unreachable',
    });
    assert.equal(byId.get('tcp-rejected')?.attempts[0]?.detail, 'EHOSTUNREACH');
    assert.equal(byId.get('udp-rejected')?.attempts[0]?.detail, 'icmp-3-13');
    assert.equal(byId.get('udp-echo')?.attempts[0]?.detail, 'echo');
    assert.ok(elapsed < 1500, `8 probes with a 500 ms timeout took ${elapsed} ms`);
    // Every answer came out as TAP, "ok" for each (carried out), the plan last.
    const events = readAgentOutput(text);
    assert.equal(events.filter((e) => e.kind === 'result' && e.ok).length, 8);
    assert.deepEqual(events.at(-1), { kind: 'plan', count: 8 });
  });

  test('fast answers are written before slow ones finish', async () => {
    const { responses } = await run([probe('slow', 'TCP', DROPPED_TCP), probe('fast', 'TCP', OPEN_TCP)]);
    assert.deepEqual(
      responses.map((r) => r.id),
      ['fast', 'slow'],
    );
  });

  test('200 probes to a dropping port with a 500 ms timeout finish well under 2 s', async () => {
    const requests = Array.from({ length: 200 }, (_, i) => probe(`drop-${i}`, 'TCP', DROPPED_TCP));
    const started = Date.now();
    const { responses } = await run(requests);
    const elapsed = Date.now() - started;
    assert.equal(responses.length, 200);
    assert.ok(
      responses.every((r) => r.observation === 'timeout'),
      'every probe timed out',
    );
    assert.ok(elapsed < 1200, `200 timeouts took ${elapsed} ms`);
  });

  test('a handshake done while the helper was busy counts, though its deadline passed before it looked', async () => {
    // Starting 3,000 connects takes far longer than 1 ms: the first probe's deadline has
    // passed before the helper first polls. Its handshake completed meanwhile, as on a
    // machine too busy to schedule the helper: that is an allow, never a timeout.
    const requests = [
      probe('first', 'TCP', OPEN_TCP, { timeoutMs: 1 }),
      ...Array.from({ length: 3000 }, (_, i) => probe(`closed-${i}`, 'TCP', CLOSED, { timeoutMs: 5000 })),
    ];
    const { byId } = await run(requests);
    assert.equal(observationOf(byId, 'first'), 'connected');
    assert.equal(
      [...byId.values()].filter((r) => r.id.startsWith('closed-') && r.observation === 'refused').length,
      3000,
    );
  });

  test('one helper probes from every namespace of a batch; one it cannot enter fails alone, saying why', async () => {
    // A file that is there (the agent resolves it) but is no network namespace: setns refuses it.
    const notNetns: NetnsRef = { kind: 'netns', path: PROBE_BIN };
    const { byId } = await run([
      probe('from-source', 'TCP', OPEN_TCP),
      probe('from-nowhere', 'TCP', OPEN_TCP, { source: notNetns }),
      probe('from-destination', 'TCP', OPEN_TCP, { source: destination }),
    ]);
    assert.equal(observationOf(byId, 'from-source'), 'connected');
    assert.equal(observationOf(byId, 'from-destination'), 'connected');
    assert.deepEqual(
      [byId.get('from-source')?.netns, byId.get('from-destination')?.netns],
      [pair.sourcePath, pair.destinationPath],
    );
    const failed = byId.get('from-nowhere');
    assert.equal(failed?.observation, 'error');
    assert.equal(failed?.reason, `cannot enter the network namespace ${PROBE_BIN}: EINVAL`);
  });

  test('attempts run one after another and each is reported', async () => {
    const { byId } = await run([probe('thrice', 'TCP', OPEN_TCP, { attempts: 3 })]);
    const response = byId.get('thrice');
    assert.equal(response?.observation, 'connected');
    assert.deepEqual(
      response?.attempts.map((a) => a.observation),
      ['connected', 'connected', 'connected'],
    );
  });

  test('SCTP is unsupported without kernel support, and probed like TCP with it', async () => {
    const { byId } = await run([probe('sctp', 'SCTP', CLOSED)]);
    const observation = observationOf(byId, 'sctp');
    // The probe's socket(2) loads the sctp module if the kernel can; /proc/net/sctp then exists.
    const sctpLoaded = await access('/proc/net/sctp').then(
      () => true,
      () => false,
    );
    if (sctpLoaded) assert.equal(observation, 'refused');
    else assert.equal(observation, 'unsupported');
    // Unsupported is never an error: the probe was carried out and said so.
    assert.notEqual(observation, 'error');
  });

  test('a UDP datagram to a port nobody echoes is captured arriving inside the destination', async () => {
    const { byId } = await run([
      probe('captured', 'UDP', CLOSED, { udpProof: 'capture', destination, nonce: 'nonce-captured' }),
      probe('not-captured', 'UDP', DROPPED_UDP, { udpProof: 'capture', destination, nonce: 'nonce-dropped' }),
    ]);
    assert.equal(byId.get('captured')?.observation, 'connected');
    assert.equal(byId.get('captured')?.attempts[0]?.detail, 'captured');
    // Dropped by the destination's own input hook: the raw capture socket never sees it.
    assert.equal(byId.get('not-captured')?.observation, 'timeout');
  });

  test('a capture in one call sees the datagram another call sends, as across nodes', async () => {
    const nonce = 'cross-node-1';
    const capture = execa(process.execPath, [AGENT_BIN, 'probe'], {
      input: JSON.stringify({
        version: 1,
        requests: [
          { kind: 'capture', id: 'cap', at: destination, port: 7777, nonce, attempts: 2, timeoutMs: 3000 },
        ],
      }),
      buffer: { stdout: true },
      timeout: 30_000,
    });
    // The runner sends only once the capture says it listens.
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: capture.stdout });
      lines.on('line', (line) => line === '# ready' && resolve());
      lines.once('close', () => reject(new Error('capture ended before # ready')));
    });
    const sender = await execa(process.execPath, [AGENT_BIN, 'probe'], {
      input: JSON.stringify({
        version: 1,
        requests: [probe('send', 'UDP', 7777, { udpProof: 'capture', nonce, attempts: 2, timeoutMs: 200 })],
      }),
      timeout: 30_000,
    });
    const captured = readAgentOutput((await capture).stdout).find((e) => e.kind === 'result');
    const sent = readAgentOutput(sender.stdout).find((e) => e.kind === 'result');
    assert.equal(captured?.kind === 'result' && captured.response.observation, 'seen');
    assert.equal(captured?.kind === 'result' && captured.response.attempts.length, 2);
    // Port 7777 is closed: the sender hears ICMP port unreachable once or is rate-limited to silence ("sent").
    assert.ok(
      sent?.kind === 'result' &&
        sent.response.attempts.every((a) => ['refused', 'sent'].includes(a.observation)),
      JSON.stringify(sent),
    );
  });

  test('a capture the runner stops ends a grace after its sender, not at the end of its window', async () => {
    const nonce = 'stopped-1';
    const window = 20_000;
    const capture = execa(process.execPath, [AGENT_BIN, 'probe'], {
      stdin: 'pipe',
      buffer: { stdout: true },
      timeout: 30_000,
    });
    // The batch, then stdin stays open for the stop.
    capture.stdin.write(
      `${JSON.stringify({
        version: 1,
        requests: [
          {
            kind: 'capture',
            id: 'cap',
            at: destination,
            port: DROPPED_UDP,
            nonce,
            attempts: 1,
            timeoutMs: window,
          },
        ],
      })}\n`,
    );
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: capture.stdout });
      lines.on('line', (line) => line === '# ready' && resolve());
      lines.once('close', () => reject(new Error('capture ended before # ready')));
    });
    const started = Date.now();
    // Dropped by the destination's input hook: never seen, so only the stop ends the capture early.
    const sender = await execa(process.execPath, [AGENT_BIN, 'probe'], {
      input: JSON.stringify({
        version: 1,
        requests: [probe('send', 'UDP', DROPPED_UDP, { udpProof: 'capture', nonce, timeoutMs: 300 })],
      }),
      timeout: 30_000,
    });
    capture.stdin.write(formatStopCapture('cap'));
    const result = await capture;
    const elapsed = Date.now() - started;
    const captured = readAgentOutput(result.stdout).find((e) => e.kind === 'result');
    const sent = readAgentOutput(sender.stdout).find((e) => e.kind === 'result');
    assert.equal(sent?.kind === 'result' && sent.response.observation, 'sent');
    assert.equal(captured?.kind === 'result' && captured.response.observation, 'not-seen');
    assert.ok(elapsed < 5_000, `stopped after ${elapsed} ms, the window is ${window} ms`);
    // stdin still open: the agent ended anyway, once its batch was done.
    assert.equal(result.exitCode, 0);
  });

  test('a held probe waits for go; the others of its batch go at once', async () => {
    const agent = execa(process.execPath, [AGENT_BIN, 'probe'], {
      stdin: 'pipe',
      buffer: { stdout: true },
      timeout: 30_000,
    });
    const requests = [probe('held', 'TCP', OPEN_TCP, { hold: true }), probe('now', 'TCP', OPEN_TCP)];
    agent.stdin.write(`${JSON.stringify({ version: 1, requests })}\n`);
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const reader = createInterface({ input: agent.stdout });
      reader.on('line', (line) => {
        lines.push(line);
        if (line.startsWith('ok ')) resolve();
      });
      reader.once('close', () => reject(new Error('the agent ended before any result')));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      lines.filter((line) => line.startsWith('ok ')),
      ['ok 1 - now'],
      'only the probe not held, before go',
    );
    agent.stdin.end('go\n');
    const result = await agent;
    const held = readAgentOutput(result.stdout).find((e) => e.kind === 'result' && e.response.id === 'held');
    assert.equal(held?.kind === 'result' && held.response.observation, 'connected');
  });

  test('the command line reads a batch on stdin and streams TAP', async () => {
    const batch = {
      version: 1,
      requests: [
        probe('cli-open', 'TCP', OPEN_TCP),
        probe('cli-echo', 'UDP', ECHO_UDP, { nonce: 'abc.DEF_1-2' }),
      ],
    };
    const result = await execa(process.execPath, [AGENT_BIN, 'probe'], {
      input: JSON.stringify(batch),
      timeout: 30_000,
    });
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], 'TAP version 14');
    assert.equal(lines.at(-1), '1..2');
    const results = readAgentOutput(result.stdout).filter((e) => e.kind === 'result');
    assert.deepEqual(
      results.map((e) => (e.kind === 'result' ? [e.response.id, e.response.observation, e.ok] : [])).sort(),
      [
        ['cli-echo', 'connected', true],
        ['cli-open', 'connected', true],
      ],
    );
  });
});
