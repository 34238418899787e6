/**
 * DNS probes between two namespaces the test makes (198.19.77.0/24 only, nothing routed
 * anywhere else): netpol-probe's dns-udp and dns-tcp modes against a test server that
 * answers in every way a reply can be right or wrong (dns-test-server.ts), and the agent
 * against a real DNS server, Debian's dnsmasq, run exactly as the lab runs it (never
 * forwarding), before and after nftables in the destination drops port 53. Needs root,
 * iproute2, nftables, util-linux and dnsmasq (dnsmasq-base); skipped with the reason otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { formatTasks, parseHelperLine, runBatch } from '../../agent/index.js';
import type { AgentRequest, HelperTask, NetnsRef, ProbeRequest } from '../../agent/index.js';
import { dnsmasqArgs } from '../../src/lab/dns-server/index.js';
import { SCENARIOS } from './dns-test-server.js';
import type { Scenario } from './dns-test-server.js';
import type { BackgroundProcess, NetnsPair } from './netns-fixture.js';
import {
  AGENT_BIN,
  createNetnsPair,
  netnsSkipReason,
  nftInside,
  PROBE_BIN,
  startInNetns,
} from './netns-fixture.js';

const DNSMASQ = '/usr/sbin/dnsmasq';

async function skipReason(): Promise<string | undefined> {
  const netns = await netnsSkipReason();
  if (netns !== undefined) return netns;
  const dnsmasq = await execa(DNSMASQ, ['--version'], { reject: false });
  return dnsmasq.failed ? 'needs dnsmasq (apt-get install -y dnsmasq-base, or npm run setup:lab)' : undefined;
}

const skip = await skipReason();
/** Inside the destination, as a policy would at the pod; its own loopback stays open for dnsmasq. */
const DROP_DNS = `
table ip npt_dns {
  chain input {
    type filter hook input priority 0; policy accept;
    iifname != "lo" udp dport 53 drop
    iifname != "lo" tcp dport 53 drop
  }
}
`;
const SERVER = fileURLToPath(new URL('./dns-test-server.ts', import.meta.url));

/** What netpol-probe must say of each scenario, over UDP and over TCP: `word detail`. */
const EXPECTED: Readonly<Record<Scenario, readonly [udp: string, tcp: string]>> = {
  noerror: ['connected dns-NOERROR', 'connected dns-NOERROR'],
  // Error codes prove delivery both ways as well as an answer does.
  nxdomain: ['connected dns-NXDOMAIN', 'connected dns-NXDOMAIN'],
  'refused-without-question': ['connected dns-REFUSED', 'connected dns-REFUSED'],
  'servfail-uppercase': ['connected dns-SERVFAIL', 'connected dns-SERVFAIL'],
  // Our responders echo: the query back unchanged is delivery too.
  echo: ['connected echo', 'connected echo'],
  // Over UDP a stray reply does not spoil the right one that follows; TCP reads only the first message.
  'stray-then-right': ['connected dns-NOERROR', 'error dns-wrong-id'],
  'split-in-pieces': ['connected dns-NOERROR', 'connected dns-NOERROR'],
  // Something answered, but not this query's DNS response: never allow, and never a deny either.
  'wrong-id': ['error dns-wrong-id', 'error dns-wrong-id'],
  'query-not-response': ['error dns-malformed', 'error dns-malformed'],
  'short-header': ['error dns-malformed', 'error dns-malformed'],
  'record-past-end': ['error dns-malformed', 'error dns-malformed'],
  'forward-pointer': ['error dns-malformed', 'error dns-malformed'],
  'other-question': ['error dns-malformed', 'error dns-malformed'],
  'trailing-byte': ['error dns-malformed', 'error dns-malformed'],
  // Silence: over UDP a timeout, as any unanswered datagram; over TCP the handshake showed a listener.
  silent: ['timeout -', 'error dns-no-reply'],
  'close-at-once': ['timeout -', 'error dns-closed'],
};

describe('DNS probes between two namespaces', { skip }, () => {
  let pair: NetnsPair;
  let server: BackgroundProcess | undefined;
  let dnsmasq: { stop(): Promise<void> } | undefined;
  let source: NetnsRef;

  before(async () => {
    pair = await createNetnsPair();
    try {
      source = { kind: 'netns', path: pair.sourcePath };
      server = await startInNetns(pair, pair.destination, process.execPath, [
        '--import',
        'tsx',
        SERVER,
        pair.destinationIp,
      ]);
      dnsmasq = await startDnsmasq(pair);
    } catch (error) {
      await stopAll();
      throw error;
    }
  });

  /** The namespaces go whatever else failed: they are the test's to remove. */
  const stopAll = async () => {
    await server?.stop().catch(() => undefined);
    await dnsmasq?.stop().catch(() => undefined);
    await pair?.remove();
  };
  after(stopAll);

  /** Runs netpol-probe in the source with one dns-udp and one dns-tcp task per scenario; `word detail` by task. */
  const probeScenarios = async (timeoutMs: number) => {
    const tasks: HelperTask[] = Object.values(SCENARIOS).flatMap((port, index) =>
      (['dns-udp', 'dns-tcp'] as const).map((mode, m) => ({
        kind: 'probe' as const,
        index: 2 * index + m,
        mode,
        ip: pair.destinationIp,
        port,
        timeoutMs,
        attempts: 2,
        nonce: 'unused',
      })),
    );
    const output = await pair.exec(pair.source, PROBE_BIN, [], formatTasks(tasks));
    const seen = new Map<number, string[]>();
    for (const line of output.split('\n').map(parseHelperLine)) {
      if (line.kind !== 'result') continue;
      seen.set(line.index, [...(seen.get(line.index) ?? []), `${line.word} ${line.detail ?? '-'}`]);
    }
    return seen;
  };

  test('netpol-probe tells a DNS response from every reply that is not one, over UDP and TCP', async () => {
    const started = Date.now();
    const seen = await probeScenarios(600);
    const elapsed = Date.now() - started;
    const scenarios = Object.keys(SCENARIOS) as Scenario[];
    const got = Object.fromEntries(
      scenarios.map((scenario, index) => [scenario, [seen.get(2 * index), seen.get(2 * index + 1)]]),
    );
    const want = Object.fromEntries(
      scenarios.map((scenario) => [scenario, EXPECTED[scenario].map((outcome) => [outcome, outcome])]),
    );
    assert.deepEqual(got, want);
    // Two attempts each, every task at once: about two timeouts, not one per probe.
    assert.ok(elapsed < 4000, `${scenarios.length * 2} probes of 2 attempts took ${elapsed} ms`);
  });

  test('a closed port is refused, as for any UDP or TCP probe', async () => {
    const output = await pair.exec(
      pair.source,
      PROBE_BIN,
      [],
      formatTasks([
        {
          kind: 'probe',
          index: 0,
          mode: 'dns-udp',
          ip: pair.destinationIp,
          port: 9,
          timeoutMs: 500,
          attempts: 1,
          nonce: 'n',
        },
        {
          kind: 'probe',
          index: 1,
          mode: 'dns-tcp',
          ip: pair.destinationIp,
          port: 9,
          timeoutMs: 500,
          attempts: 1,
          nonce: 'n',
        },
      ]),
    );
    const results = output
      .split('\n')
      .map(parseHelperLine)
      .flatMap((line) => (line.kind === 'result' ? [`${line.index} ${line.word} ${line.detail}`] : []))
      .sort();
    assert.deepEqual(results, ['0 refused icmp-3-3', '1 refused ECONNREFUSED']);
  });

  const probe = (id: string, protocol: 'UDP' | 'TCP', extra: Partial<ProbeRequest> = {}) =>
    ({
      kind: 'probe',
      id,
      source,
      ip: pair.destinationIp,
      port: 53,
      protocol,
      timeoutMs: 1000,
      attempts: 2,
      ...extra,
    }) satisfies ProbeRequest;

  const run = async (requests: AgentRequest[]) => {
    const responses = await runBatch(
      { version: 1, requests },
      { binary: PROBE_BIN, procRoot: '/proc', skipPids: [process.pid], write: () => undefined },
    );
    return new Map(responses.map((response) => [response.id, response]));
  };

  test('the agent asks dnsmasq a DNS question on port 53: allowed over UDP and TCP, then dropped', async () => {
    const open = await run([
      probe('udp', 'UDP'),
      probe('tcp', 'TCP'),
      // The plain probe is what a DNS server never answers: a nonce it does not echo.
      probe('udp-nonce', 'UDP', { query: 'none' }),
    ]);
    assert.equal(open.get('udp')?.observation, 'connected');
    assert.deepEqual(
      open.get('udp')?.attempts.map((attempt) => attempt.detail),
      ['dns-NOERROR', 'dns-NOERROR'],
    );
    assert.equal(open.get('tcp')?.observation, 'connected');
    assert.equal(open.get('tcp')?.attempts[0]?.detail, 'dns-NOERROR');
    assert.equal(open.get('udp-nonce')?.observation, 'timeout');

    // A policy at the destination drops DNS: both are timeouts (a deny once the listener is shown).
    await nftInside(pair, pair.destination, DROP_DNS);
    try {
      const dropped = await run([probe('udp', 'UDP'), probe('tcp', 'TCP')]);
      assert.equal(dropped.get('udp')?.observation, 'timeout');
      assert.equal(dropped.get('tcp')?.observation, 'timeout');
    } finally {
      await pair.exec(pair.destination, 'nft', ['delete', 'table', 'ip', 'npt_dns']);
    }
  });

  test("the agent's own responder echoes a DNS query over UDP and TCP", async () => {
    const responder = await startInNetns(pair, pair.source, process.execPath, [
      AGENT_BIN,
      'respond',
      '--tcp',
      '53',
      '--udp',
      '53',
    ]);
    try {
      const self = { kind: 'netns', path: pair.sourcePath } as const;
      const byId = await run([
        probe('udp', 'UDP', { source: self, ip: pair.sourceIp }),
        probe('tcp', 'TCP', { source: self, ip: pair.sourceIp }),
      ]);
      const seen = [...byId.values()].map((response) => [
        response.id,
        response.observation,
        response.attempts.map((attempt) => attempt.detail).join(' '),
      ]);
      assert.deepEqual(seen.sort(), [
        ['tcp', 'connected', 'echo echo'],
        ['udp', 'connected', 'echo echo'],
      ]);
    } finally {
      await responder.stop();
    }
  });
});

/** dnsmasq with the lab's own command line, on the destination's address; up once it logged `started`. */
async function startDnsmasq(pair: NetnsPair): Promise<{ stop(): Promise<void> }> {
  const subprocess = execa(
    'ip',
    ['netns', 'exec', pair.destination, DNSMASQ, ...dnsmasqArgs({ listen: pair.destinationIp })],
    {
      reject: false,
      buffer: false,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
      timeout: 120_000,
    },
  );
  await new Promise<void>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`dnsmasq did not start: ${text}`)), 10_000);
    subprocess.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (!/started, version/.test(text)) return;
      clearTimeout(timer);
      resolve();
    });
    void subprocess.then(() => reject(new Error(`dnsmasq exited: ${text}`)));
  });
  // Not the subprocess itself: an async function would wait for a returned promise (dnsmasq's exit).
  return {
    stop: async () => {
      subprocess.kill('SIGTERM');
      await subprocess;
    },
  };
}
