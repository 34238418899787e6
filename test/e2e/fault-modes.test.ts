/**
 * A plugin's gaps show up as exactly the assertions they break: the example suites run
 * against a lab that enforces nothing (`--cni none`, flannel) fail their deny assertions
 * and nothing else, and against one that drops combined namespaceSelector+podSelector
 * peers (`--cni no-combined-selectors`, Weave 2.5) fail exactly the allows such a peer
 * admits. Needs root and the lab's control plane; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonReport } from '../../src/report/index.js';
import { assertionKey, assertionsOf, e2eSkipReason, labDown, labUp, runCli, runJson } from './e2e-support.js';
import { dropCombinedPeers, loadSuites, predictOutcomes } from './model-expectations.js';

const skip = await e2eSkipReason();
const MANIFESTS = ['suites/manifests'];

/** Brings a lab up in `cni` mode, runs suites/ against it, and always takes the lab down again. */
async function runSuitesAgainst(lab: string, cni: string): Promise<JsonReport> {
  const started = Date.now();
  await labUp(lab, { cni });
  try {
    const status = await runCli(['lab', 'status', '--name', lab]);
    assert.match(status.stdout, new RegExp(`cni ${cni},`), 'the lab enforces in the mode asked for');
    const { run, report } = await runJson(['suites/', '--lab', lab]);
    assert.equal(run.exitCode, 1, `a fault mode fails some assertion: ${run.stderr}`);
    assert.equal(report.exitCode, 1);
    return report;
  } finally {
    await labDown(lab);
    process.stderr.write(`# ${lab}: lab up, run and down in ${Date.now() - started} ms\n`);
  }
}

/** The keys of the assertions that did not pass, and the outcomes they had. */
function notPassing(report: JsonReport): { keys: string[]; outcomes: Set<string> } {
  const failed = assertionsOf(report).filter((a) => a.outcome !== 'pass');
  return { keys: failed.map(assertionKey).sort(), outcomes: new Set(failed.map((a) => a.outcome)) };
}

describe('the example suites against labs with a faulty network plugin', { skip, timeout: 150_000 }, () => {
  test('--cni none fails exactly the deny assertions, each as a fail; every allow passes', async () => {
    const assertions = (await loadSuites(['suites/'])).flatMap((suite) => suite.assertions);
    const denies = assertions
      .filter((a) => a.expect === 'deny')
      .map(assertionKey)
      .sort();
    assert.ok(denies.length > 0 && denies.length < assertions.length, 'the suites have allows and denies');

    const report = await runSuitesAgainst('e2enone', 'none');
    const failed = notPassing(report);
    assert.deepEqual(failed.keys, denies);
    assert.deepEqual([...failed.outcomes], ['fail'], 'an allowed deny is a fail, not inconclusive');
    for (const assertion of assertionsOf(report).filter((a) => a.expect === 'deny')) {
      for (const pair of assertion.pairs)
        assert.deepEqual(pair.observations, ['connected'], `${assertion.name}: nothing is enforced`);
    }
  });

  test('--cni no-combined-selectors fails exactly the allows a combined peer admits', async () => {
    const suites = await loadSuites(['suites/']);
    const faithful = await predictOutcomes(suites, MANIFESTS);
    assert.deepEqual(
      faithful.filter((r) => r.outcome !== 'pass').map((r) => r.assertion.name),
      [],
      'the model of the manifests agrees with every assertion',
    );
    const withoutCombined = await predictOutcomes(suites, MANIFESTS, dropCombinedPeers);
    const expected = withoutCombined
      .filter((r) => r.outcome !== 'pass')
      .map((r) => r.assertion)
      .map(assertionKey)
      .sort();
    // What a reader finds by hand: web-allow-monitoring admits monitoring pods from team=operations
    // namespaces through one combined peer (the first two), and egress-lockdown's DNS rule lets
    // the shop reach kube-dns through one combined peer (the last two).
    for (const name of [
      'from {team=operations}/type=monitoring to default/app=web:http expect allow',
      'from operations/type=monitoring to svc:default/web:80 expect allow',
      'dns is open',
      'from shop/app=checkout to kube-system/k8s-app=kube-dns:dns-tcp expect allow',
    ]) {
      assert.ok(
        expected.some((key) => key.endsWith(` ${name}`)),
        `the model finds that '${name}' depends on a combined peer`,
      );
    }
    assert.ok(
      withoutCombined.filter((r) => r.outcome !== 'pass').every((r) => r.assertion.expect === 'allow'),
      'dropping a peer can only take an allow away',
    );

    const report = await runSuitesAgainst('e2ecomb', 'no-combined-selectors');
    const failed = notPassing(report);
    assert.deepEqual(failed.keys, expected);
    assert.deepEqual([...failed.outcomes], ['fail']);
  });
});
