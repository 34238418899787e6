/**
 * An outside address as a source, end to end in a lab: a web server admits port 80 from
 * 203.0.113.0/24 only (an ipBlock), and the lab's outside hosts 203.0.113.10 and
 * 198.51.100.10 (`kind: ExternalHost`) are the sources, through the command line. The
 * probes leave from inside those hosts' namespaces with their own addresses, so the
 * policy lets the first in and drops the second; with `--cni none` exactly the deny
 * fails. An address the lab has no host for is sent from nowhere: inconclusive, saying
 * why. Needs root and the lab's control plane.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assertionKey,
  assertionsOf,
  assertFailedExactly,
  assertWireMatchesExpectations,
  e2eSkipReason,
  labDown,
  labUp,
  runJson,
} from './e2e-support.js';
import { loadSuites } from './model-expectations.js';

const FIXTURES = 'test/e2e/fixtures/outside-source';
const SUITE = `${FIXTURES}/outside-source.yaml`;
const NO_SUCH_HOST = `${FIXTURES}/no-such-host.yaml`;

const skip = await e2eSkipReason();

/** Brings a lab up in `cni` mode with the fixtures, runs `check`, and always takes the lab down. */
async function withLab<T>(lab: string, cni: string, check: () => Promise<T>): Promise<T> {
  await labUp(lab, { cni, manifests: [`${FIXTURES}/manifests`] });
  try {
    return await check();
  } finally {
    await labDown(lab);
  }
}

describe("outside addresses as sources, from the lab's outside hosts", { skip, timeout: 180_000 }, () => {
  test('the host inside the ipBlock gets in, the one outside it is dropped; an address with no host is sent from nowhere', async () => {
    const lab = 'e2eoutside';
    const { suite, unknown } = await withLab(lab, 'full', async () => ({
      suite: await runJson([SUITE, '--lab', lab]),
      unknown: await runJson([NO_SUCH_HOST, '--lab', lab]),
    }));

    const assertions = assertionsOf(suite.report);
    assert.equal(suite.run.exitCode, 0, JSON.stringify(suite.report, null, 1));
    assert.deepEqual(
      assertions.map((a) => [a.expect, a.outcome]),
      [
        ['allow', 'pass'],
        ['deny', 'pass'],
      ],
    );
    assertWireMatchesExpectations(assertions);

    assert.equal(unknown.run.exitCode, 1);
    const [alone] = assertionsOf(unknown.report);
    assert.equal(alone?.outcome, 'inconclusive');
    assert.deepEqual(
      alone?.pairs.map((pair) => [pair.observations, pair.reason]),
      [
        [
          ['error'],
          `203.0.113.99 is not one of lab '${lab}''s outside hosts (partner 203.0.113.10, stranger 198.51.100.10): ` +
            'a probe is sent only from an outside host with that address',
        ],
      ],
    );
  });

  test('--cni none fails exactly the deny, as a fail', async () => {
    const [loaded] = await loadSuites([SUITE]);
    assert.ok(loaded);
    const denies = loaded.assertions.filter((a) => a.expect === 'deny').map(assertionKey);
    assert.equal(denies.length, 1);
    const lab = 'e2eoutnone';
    const { run, report } = await withLab(lab, 'none', () => runJson([SUITE, '--lab', lab]));
    assert.equal(run.exitCode, 1);
    assertFailedExactly(report, denies);
    for (const assertion of assertionsOf(report))
      for (const pair of assertion.pairs) assert.deepEqual(pair.observations, ['connected'], assertion.name);
  });
});
