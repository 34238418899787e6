/**
 * Faults on the wire are not policies: a lab whose pod links lose 5% of packets and
 * delay each by 0-200 ms, both ways (`--cni lossy`), and a suite of allows and denies
 * over TCP, UDP with an echo and UDP proven by capture, three attempts each
 * (test/e2e/fixtures/lossy-links/lossy.yaml). First the faults are shown to be there:
 * datagrams sent once each between two lab pods come back about 0.95^4 of the time (a
 * round trip crosses both pods' links twice) after 0-800 ms. Then the run: every allow
 * passes with every attempt connected, every deny holds with every attempt silent, so no
 * pair is reported denied that the policies allow nor allowed that they deny. Needs root
 * and the lab's control plane; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execa } from 'execa';
import { LabNames, podKey } from '../../src/lab/names/index.js';
import type { JsonAssertion } from '../../src/report/index.js';
import {
  assertionsOf,
  coreApi,
  e2eSkipReason,
  labDown,
  labUp,
  REPO_ROOT,
  runCli,
  runJson,
} from './e2e-support.js';

const FIXTURES = 'test/e2e/fixtures/lossy-links';
const LAB = 'h12nlossy';
const PINGS = 400;
/** Each way per link: lost 5%, else 0-200 ms late; a round trip meets that four times. */
const EXPECTED_RETURN = 0.95 ** 4;
const skip = await e2eSkipReason();

/** A lab pod's address and the network namespace the lab made for it. */
async function labPod(kubeconfig: string, namespace: string, name: string) {
  const pod = await coreApi(kubeconfig).readNamespacedPod({ namespace, name });
  const [uid, ip] = [pod.metadata?.uid, pod.status?.podIP];
  assert.ok(uid && ip, `${namespace}/${name} runs with an address`);
  return { ip, netns: new LabNames(LAB).podNetns(podKey({ namespace, name, uid })) };
}

/** Datagrams sent once each from one lab pod to another's UDP echo: the RTT of each that came back. */
async function pings(from: { netns: string }, to: { ip: string }, port: number): Promise<number[]> {
  assert.match(from.netns, new RegExp(`^npa-${LAB}-p-`), 'a pod namespace of this lab');
  const script = `${REPO_ROOT}${FIXTURES}/udp-pings.mjs`;
  const { stdout } = await execa(
    'ip',
    ['netns', 'exec', from.netns, process.execPath, script, to.ip, String(port), String(PINGS)],
    {
      timeout: 30_000,
    },
  );
  const result = JSON.parse(stdout) as { sent: number; rtts: number[] };
  assert.equal(result.sent, PINGS);
  return result.rtts;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** What each attempt of each pair saw, per assertion. */
function wireOf(assertion: JsonAssertion): string[] {
  return assertion.pairs.flatMap((pair) => pair.observations);
}

describe('a lab with lossy pod links (--cni lossy)', { skip, timeout: 240_000 }, () => {
  test('5% loss and 0-200 ms delay each way are in effect; with attempts: 3 every allow passes, every deny holds', async () => {
    const started = Date.now();
    const kubeconfig = await labUp(LAB, { cni: 'lossy', manifests: [`${FIXTURES}/manifests`] });
    try {
      const status = await runCli(['lab', 'status', '--name', LAB]);
      assert.match(status.stdout, /cni lossy,/, 'the lab runs with lossy links');

      const [client, server] = await Promise.all([
        labPod(kubeconfig, 'lossy', 'client-0'),
        labPod(kubeconfig, 'lossy', 'server-1'),
      ]);
      const rtts = (await pings(client, server, 7000)).sort((a, b) => a - b);
      const returned = rtts.length / PINGS;
      const mean = rtts.reduce((sum, rtt) => sum + rtt, 0) / rtts.length;
      const [p10, p90] = [quantile(rtts, 0.1), quantile(rtts, 0.9)];
      process.stderr.write(
        `# ${rtts.length} of ${PINGS} echoes (${(returned * 100).toFixed(1)}%, expected ${(EXPECTED_RETURN * 100).toFixed(1)}%); ` +
          `RTT min ${rtts[0]?.toFixed(0)} p10 ${p10.toFixed(0)} mean ${mean.toFixed(0)} p90 ${p90.toFixed(0)} max ${rtts.at(-1)?.toFixed(0)} ms\n`,
      );
      // Binomial: about 326 of 400 with a standard deviation of 8; four of them either side.
      assert.ok(Math.abs(returned - EXPECTED_RETURN) < 0.08, `${(returned * 100).toFixed(1)}% came back`);
      // The sum of four uniform 0-200 ms delays: mean 400, 10% and 90% near 250 and 550.
      assert.ok(mean > 330 && mean < 470, `mean RTT ${mean.toFixed(0)} ms`);
      assert.ok(p90 - p10 > 200, `RTTs spread ${p10.toFixed(0)}..${p90.toFixed(0)} ms`);
      assert.ok((rtts.at(-1) ?? 0) < 1000, 'no RTT beyond four maximal delays and a busy machine');

      const { run, report } = await runJson([`${FIXTURES}/lossy.yaml`, '--lab', LAB]);
      const assertions = assertionsOf(report);
      assert.equal(assertions.length, 8);
      for (const assertion of assertions) {
        const wire = wireOf(assertion);
        assert.equal(wire.length, assertion.pairs.length * 3, `${assertion.name}: three attempts per pair`);
        if (assertion.expect === 'allow') {
          assert.deepEqual(
            wire.filter((o) => o !== 'connected'),
            [],
            `${assertion.name}: no attempt of an allowed pair looked denied`,
          );
        } else {
          assert.deepEqual(
            wire.filter((o) => o !== 'timeout'),
            [],
            `${assertion.name}: no attempt of a denied pair got through`,
          );
        }
        assert.equal(assertion.outcome, 'pass', `${assertion.name}: ${assertion.outcome}`);
      }
      assert.equal(run.exitCode, 0, run.stderr);
    } finally {
      await labDown(LAB);
      process.stderr.write(`# ${LAB}: lab up, pings, run and down in ${Date.now() - started} ms\n`);
    }
  });
});
