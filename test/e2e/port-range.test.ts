/**
 * A NetworkPolicy port range (`endPort`) end to end, on a lab whose Kubernetes has it
 * (1.25 and later): `lab up` with the range policy, then the suite through the command
 * line. Inside the range (both ends and the middle) is allowed, the ports just below the
 * start and just above the end are denied, for TCP and UDP; with `--cni none` exactly the
 * denies fail. On an older Kubernetes (Debian's 1.20) the suite is skipped with the
 * reason, and `lab up` must refuse the range policy rather than apply it without its
 * range. Needs root and the lab's control plane.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binaryVersion, findLabBinaries, servesEndPort } from '../../src/lab/control-plane/index.js';
import type { JsonReport } from '../../src/report/index.js';
import {
  assertionKey,
  assertionsOf,
  assertFailedExactly,
  assertWireMatchesExpectations,
  e2eSkipReason,
  labDown,
  labUp,
  runCli,
  runJson,
} from './e2e-support.js';
import { loadSuites } from './model-expectations.js';

const FIXTURES = 'test/e2e/fixtures/port-range';
const SUITE = `${FIXTURES}/port-range.yaml`;

/** The lab runs the kube-apiserver findLabBinaries finds; its version says whether endPort exists. */
async function skipReasons(): Promise<{ withEndPort: string | false; withoutEndPort: string | false }> {
  const machine = await e2eSkipReason();
  if (machine !== false) return { withEndPort: machine, withoutEndPort: machine };
  const version = await binaryVersion((await findLabBinaries()).kubeApiserver);
  return servesEndPort(version)
    ? { withEndPort: false, withoutEndPort: `the lab's Kubernetes ${version.gitVersion} has endPort` }
    : {
        withEndPort: `the lab's Kubernetes ${version.gitVersion} has no NetworkPolicy endPort (GA in 1.25)`,
        withoutEndPort: false,
      };
}

const { withEndPort: skip, withoutEndPort } = await skipReasons();

/** Brings a lab up in `cni` mode with the range policy, runs the suite, and always takes the lab down. */
async function runRangeSuite(lab: string, cni: string): Promise<{ exitCode: number; report: JsonReport }> {
  await labUp(lab, { cni, manifests: [`${FIXTURES}/manifests`] });
  try {
    const status = await runCli(['lab', 'status', '--name', lab]);
    assert.match(status.stdout, new RegExp(`cni ${cni},`));
    const version = /^kubernetes\s+(v\S+)$/m.exec(status.stdout)?.[1] ?? '';
    assert.match(version, /^v1\.(2[5-9]|[3-9]\d)\./, `the server is 1.25 or later: ${status.stdout}`);
    const { run, report } = await runJson([SUITE, '--lab', lab]);
    return { exitCode: run.exitCode, report };
  } finally {
    await labDown(lab);
  }
}

describe('a NetworkPolicy port range (endPort) in a lab', { skip, timeout: 150_000 }, () => {
  test('inside the range is allowed, just below and just above it denied, for TCP and UDP', async () => {
    const { exitCode, report } = await runRangeSuite('e2erange', 'full');
    const assertions = assertionsOf(report);
    assert.equal(assertions.length, 9);
    assert.deepEqual(
      assertions.filter((a) => a.outcome !== 'pass').map(assertionKey),
      [],
      JSON.stringify(report, null, 1),
    );
    assert.equal(exitCode, 0);
    assertWireMatchesExpectations(assertions);
    const ports = (expect: string) =>
      assertions
        .filter((a) => a.expect === expect)
        .flatMap((a) => a.pairs.map((pair) => `${pair.port}/${pair.protocol}`))
        .sort();
    assert.deepEqual(ports('deny'), ['5299/UDP', '5311/UDP', '8079/TCP', '8091/TCP']);
    assert.deepEqual(ports('allow'), ['5300/UDP', '5310/UDP', '8080/TCP', '8085/TCP', '8090/TCP']);
  });

  test('--cni none fails exactly the denies beside the range, each as a fail', async () => {
    const [suite] = await loadSuites([SUITE]);
    assert.ok(suite);
    const denies = suite.assertions
      .filter((a) => a.expect === 'deny')
      .map(assertionKey)
      .sort();
    assert.equal(denies.length, 4);
    const { exitCode, report } = await runRangeSuite('e2erangenone', 'none');
    assert.equal(exitCode, 1);
    assertFailedExactly(report, denies);
  });
});

describe('a port range on a lab without endPort', { skip: withoutEndPort, timeout: 90_000 }, () => {
  test('lab up refuses the range policy, naming it and the field, instead of applying it without its range', async () => {
    const lab = 'e2erangeold';
    await runCli(['lab', 'down', '--name', lab]);
    try {
      const up = await runCli(['lab', 'up', '--name', lab, '-f', `${FIXTURES}/manifests`]);
      assert.notEqual(up.exitCode, 0, up.stderr);
      assert.match(
        up.stderr,
        /ranges\.yaml:\d+:\d+: error REFUSED: NetworkPolicy ranges\/server-ranges: [\s\S]*endPort: field not declared/,
      );
    } finally {
      await labDown(lab);
    }
  });
});
