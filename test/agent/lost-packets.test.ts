/**
 * A lost packet is not a policy: netpol-probe sends again within an attempt. nftables in
 * the destination (a namespace the test made) loses chosen packets on purpose, counting
 * them with `numgen inc`, so each case is exact: the first SYN of a handshake, the first
 * two datagrams of a UDP probe. Such an attempt still connects, well inside a timeout the
 * kernel's own SYN retransmission (after 1 s) would miss; a port that drops everything
 * still times out, once per attempt. Needs root, iproute2, nftables and util-linux.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { probeBinary, runBatch } from '../../agent/index.js';
import type { AgentResponse, NetnsRef, ProbeRequest } from '../../agent/index.js';
import type { BackgroundProcess, NetnsPair } from './netns-fixture.js';
import { AGENT_BIN, createNetnsPair, netnsSkipReason, nftInside, startInNetns } from './netns-fixture.js';

const skip = await netnsSkipReason();

const FIRST_SYN_LOST = 8180;
const DROPPED_TCP = 8181;
const TWO_DATAGRAMS_LOST = 5453;
const DROPPED_UDP = 5454;

/** Each rule's counter starts at 0 and counts the packets the rule sees (one probe at a time). */
const RULESET = `
table ip npt_lossy {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport ${FIRST_SYN_LOST} tcp flags & (syn | ack) == syn numgen inc mod 1000 == 0 drop
    udp dport ${TWO_DATAGRAMS_LOST} numgen inc mod 1000 < 2 drop
    tcp dport ${DROPPED_TCP} drop
    udp dport ${DROPPED_UDP} drop
  }
}
`;

describe('netpol-probe sends a lost packet again within the attempt', { skip }, () => {
  let pair: NetnsPair;
  let responder: BackgroundProcess | undefined;
  let binary: string;
  let source: NetnsRef;

  before(async () => {
    binary = await probeBinary();
    pair = await createNetnsPair();
    try {
      source = { kind: 'netns', path: pair.sourcePath };
      await nftInside(pair, pair.destination, RULESET);
      responder = await startInNetns(pair, pair.destination, process.execPath, [
        AGENT_BIN,
        'respond',
        '--tcp',
        `${FIRST_SYN_LOST},${DROPPED_TCP}`,
        '--udp',
        `${TWO_DATAGRAMS_LOST},${DROPPED_UDP}`,
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

  const probe = (protocol: ProbeRequest['protocol'], port: number, timeoutMs: number, attempts = 1) =>
    ({
      kind: 'probe',
      id: `${protocol}-${port}`,
      source,
      ip: pair.destinationIp,
      port,
      protocol,
      timeoutMs,
      attempts,
      // The plain probe: these ports are not DNS servers.
      query: 'none',
    }) satisfies ProbeRequest;

  const runOne = async (request: ProbeRequest): Promise<AgentResponse> => {
    const [response] = await runBatch(
      { version: 1, requests: [request] },
      { binary, procRoot: '/proc', skipPids: [process.pid], write: () => undefined },
    );
    assert.ok(response);
    return response;
  };

  /** One attempt, connected no sooner than the resend that got through and within the timeout. */
  const assertConnectedFrom = (response: AgentResponse, resentAtMs: number, timeoutMs: number) => {
    assert.deepEqual(
      response.attempts.map((a) => a.observation),
      ['connected'],
    );
    const elapsed = response.attempts[0]?.elapsedMs ?? 0;
    assert.ok(elapsed >= resentAtMs - 10 && elapsed < timeoutMs, `connected after ${elapsed} ms`);
  };

  test('a handshake whose first SYN is lost connects within 600 ms, from its second socket at 200 ms', async () => {
    assertConnectedFrom(await runOne(probe('TCP', FIRST_SYN_LOST, 600)), 200, 600);
  });

  test('a UDP probe whose first two datagrams are lost gets its echo from the third, at 400 ms', async () => {
    assertConnectedFrom(await runOne(probe('UDP', TWO_DATAGRAMS_LOST, 1000)), 400, 1000);
  });

  test('a port that drops everything times out in each attempt, TCP and UDP, in one timeout each', async () => {
    for (const [protocol, port] of [
      ['TCP', DROPPED_TCP],
      ['UDP', DROPPED_UDP],
    ] as const) {
      const response = await runOne(probe(protocol, port, 700, 2));
      assert.deepEqual(
        response.attempts.map((a) => a.observation),
        ['timeout', 'timeout'],
        `${protocol} ${port}`,
      );
      for (const attempt of response.attempts)
        assert.ok(
          attempt.elapsedMs >= 690 && attempt.elapsedMs < 1000,
          `${protocol}: ${attempt.elapsedMs} ms`,
        );
    }
  });
});
