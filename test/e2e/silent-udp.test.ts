/**
 * UDP to a server that never answers, end to end: a lab pod whose image the lab runs as
 * a silent UDP server (bound, dropping every datagram), probed from its own node and from
 * the other node, and the suite test/e2e/fixtures/silent-udp/silent-udp.yaml through the
 * command line. Delivery is proven by capture inside the server's namespace, not by an
 * echo: allowed from the namespace its policy admits, denied from the other, each in
 * about one probe timeout (the capture stops once its sender is done); with `--cni none`
 * exactly the denies fail. A port nothing listens on is inconclusive whatever arrives
 * (closed-port.yaml). Needs root and the lab's control plane.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { formatTasks, parseHelperLine } from '../../agent/index.js';
import { ensureAgentPayload } from '../../src/agent-payload/index.js';
import { LabNames, podKey } from '../../src/lab/names/index.js';
import type { JsonReport } from '../../src/report/index.js';
import {
  assertFailedExactly,
  assertionKey,
  assertionsOf,
  assertWireMatchesExpectations,
  coreApi,
  e2eSkipReason,
  labDown,
  labUp,
  runJson,
} from './e2e-support.js';
import { loadSuites } from './model-expectations.js';

const FIXTURES = 'test/e2e/fixtures/silent-udp';
const SUITE = `${FIXTURES}/silent-udp.yaml`;
const CLOSED_PORT_SUITE = `${FIXTURES}/closed-port.yaml`;
/** The suites' probe timeout: a deny must cost about this, not a capture's whole window. */
const TIMEOUT_MS = 1000;
const skip = await e2eSkipReason();

/** A lab pod's address and the network namespace the lab made for it. */
async function labPod(lab: string, kubeconfig: string, namespace: string, name: string) {
  const pod = await coreApi(kubeconfig).readNamespacedPod({ namespace, name });
  const [uid, ip] = [pod.metadata?.uid, pod.status?.podIP];
  assert.ok(uid && ip, `${namespace}/${name} runs with an address`);
  return { ip, netns: new LabNames(lab).podNetns(podKey({ namespace, name, uid })) };
}

/** netpol-probe's echo and send-only UDP modes from a lab pod's namespace: `word` each. */
async function udpProbe(netns: string, ip: string, port: number): Promise<string[]> {
  const probe = (await ensureAgentPayload()).probe;
  assert.match(netns, /^npa-[a-z0-9]+-/, 'a lab namespace');
  const tasks = (['udp', 'udp-send'] as const).map((mode, index) => ({
    kind: 'probe' as const,
    index,
    mode,
    ip,
    port,
    timeoutMs: 1000,
    attempts: 1,
    nonce: 'silent-e2e',
  }));
  const { stdout } = await execa('ip', ['netns', 'exec', netns, probe], { input: formatTasks(tasks) });
  return stdout
    .split('\n')
    .map(parseHelperLine)
    .flatMap((line) => (line.kind === 'result' ? [[line.index, line.word] as const] : []))
    .sort(([a], [b]) => a - b)
    .map(([, word]) => word);
}

/** A lab up with the fixtures, `suites` run against it one after another, the lab taken down. */
async function runSuites(
  lab: string,
  cni: string,
  suites: readonly string[],
  check?: (kubeconfig: string) => Promise<void>,
): Promise<JsonReport[]> {
  const kubeconfig = await labUp(lab, { cni, manifests: [`${FIXTURES}/manifests`] });
  try {
    await check?.(kubeconfig);
    const reports: JsonReport[] = [];
    for (const suite of suites) {
      const started = performance.now();
      const { run, report } = await runJson([suite, '--lab', lab]);
      const timings = assertionsOf(report).map((a) => `${a.name}: ${a.durationMs} ms`);
      console.error(
        `# ${suite} --cni ${cni}: exit ${run.exitCode} in ${Math.round(performance.now() - started)} ms (${timings.join('; ')})`,
      );
      assert.equal(run.exitCode, report.exitCode);
      reports.push(report);
    }
    return reports;
  } finally {
    await labDown(lab);
  }
}

describe('UDP to a server that never answers, in a lab', { skip, timeout: 240_000 }, () => {
  test('allowed from the admitted namespace and denied from the other, on the same node and across nodes', async () => {
    const [report, closed] = await runSuites(
      'e2esilent',
      'full',
      [SUITE, CLOSED_PORT_SUITE],
      async (kubeconfig) => {
        // The server is silent: no echo comes back, and no port-unreachable either (it is bound).
        const server = await labPod('e2esilent', kubeconfig, 'silent', 'server');
        const near = await labPod('e2esilent', kubeconfig, 'open', 'near');
        assert.deepEqual(await udpProbe(near.netns, server.ip, 5140), ['timeout', 'sent']);
        assert.deepEqual(await udpProbe(near.netns, server.ip, 5141), ['refused', 'refused']);
      },
    );
    assert.ok(report && closed);
    const assertions = assertionsOf(report);
    assert.equal(assertions.length, 4);
    assert.deepEqual(
      assertions.filter((a) => a.outcome !== 'pass').map(assertionKey),
      [],
      JSON.stringify(report, null, 1),
    );
    assert.equal(report.exitCode, 0);
    assertWireMatchesExpectations(assertions);
    // A deny is known once the sender's timeout is out and its capture stopped, on the
    // same node and across nodes: about one timeout, not the capture's window.
    for (const assertion of assertions)
      assert.ok(assertion.durationMs < 3 * TIMEOUT_MS, `${assertion.name}: ${assertion.durationMs} ms`);

    // Port 5141 is closed: what arrives proves nothing, and silence has no listener to blame.
    const reasons = assertionsOf(closed).map((a) => [a.name, a.outcome, a.pairs[0]?.reason ?? a.reason]);
    assert.equal(closed.exitCode, 1);
    for (const [name, outcome, reason] of reasons) {
      assert.equal(outcome, 'inconclusive', `${name}: ${reason}`);
      assert.match(
        reason ?? '',
        /nothing listens on the destination port|no listener on the destination port/,
        name,
      );
    }
    assert.match(reasons[0]?.[2] ?? '', /^nothing listens on the destination port: the datagram arrived/);
  });

  test('--cni none fails exactly the denies, each as a fail', async () => {
    const [suite] = await loadSuites([SUITE]);
    assert.ok(suite);
    const denies = suite.assertions.filter((a) => a.expect === 'deny').map(assertionKey);
    assert.equal(denies.length, 2);
    const [report] = await runSuites('e2esilnone', 'none', [SUITE]);
    assert.ok(report);
    assert.equal(report.exitCode, 1);
    assertFailedExactly(report, denies);
    // Seen arriving at the silent server, which answered nobody.
    for (const assertion of assertionsOf(report))
      for (const pair of assertion.pairs) assert.deepEqual(pair.observations, ['connected'], assertion.name);
  });
});
