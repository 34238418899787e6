/**
 * Two runs at once on one cluster, with overlapping suites (test/e2e/fixtures/concurrent):
 * both need a probe source no pod matches in `default` and a probe namespace no namespace
 * matches, and both use the one agent. Each run makes probe pods named for it, shares the
 * namespace and the agent by claim, and never takes the other's probe pods for the
 * cluster's: both exit 0 with every assertion passed, and when both are done the lab
 * holds nothing of netpol-assert. Started together, several times. The binary runs as two
 * child processes; the lab's API is watched through its kubeconfig meanwhile. Needs root
 * and the lab's control plane; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { AGENT_NAMESPACE, PROBE_LABEL, RUN_LABEL } from '../../src/probe/index.js';
import type { JsonReport } from '../../src/report/index.js';
import {
  assertionsOf,
  coreApi,
  e2eSkipReason,
  eventually,
  labDown,
  labUp,
  REPO_ROOT,
  runObjects,
} from './e2e-support.js';

const LAB = 'h12cconc';
const SUITES = ['test/e2e/fixtures/concurrent/first.yaml', 'test/e2e/fixtures/concurrent/second.yaml'];
const ROUNDS = 3;
const CLAIM_PREFIX = 'netpol-assert.io/claim-';
/** A probe pod's live name: the plan's (`npa-src-<base-36 hash>`), then a run's 8 hex digits. */
const RUN_NAMED_POD = /\/npa-(src|dst)-[0-9a-z]+-[0-9a-f]{8}$/;
const skip = await e2eSkipReason();

interface Finished {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly report: JsonReport | undefined;
  /** From `creating N probe pod(s) for run ID`. */
  readonly runId: string | undefined;
}

async function runSuite(suite: string): Promise<Finished> {
  const result = await execa(
    process.execPath,
    ['bin/netpol-assert.js', suite, '--lab', LAB, '--reporter', 'json'],
    { cwd: REPO_ROOT, reject: false, timeout: 150_000 },
  );
  let report: JsonReport | undefined;
  try {
    report = JSON.parse(String(result.stdout)) as JsonReport;
  } catch {
    report = undefined;
  }
  const stderr = String(result.stderr);
  return {
    exitCode: result.exitCode,
    stderr,
    report,
    runId: /probe pod\(s\) for run ([0-9a-f]{8})/.exec(stderr)?.[1],
  };
}

/** A probe pod seen while the runs went on: its name and its run label. */
interface ProbePodSeen {
  readonly name: string;
  readonly run: string | undefined;
}

interface Watched {
  /** Every probe pod seen. */
  readonly pods: readonly ProbePodSeen[];
  /** Whether one look found probe pods of both runs: the runs overlapped where it matters. */
  readonly overlapped: boolean;
}

/** Polls the probe pods until `done` settles. */
function watchProbePods(core: CoreV1Api, done: Promise<unknown>): Promise<Watched> {
  const seen = new Map<string, ProbePodSeen>();
  let overlapped = false;
  let finished = false;
  void done.finally(() => (finished = true));
  return (async () => {
    while (!finished) {
      const pods = await core.listPodForAllNamespaces({ labelSelector: PROBE_LABEL });
      const runs = new Set(pods.items.map((pod) => pod.metadata?.labels?.[RUN_LABEL]));
      overlapped ||= runs.size > 1;
      for (const pod of pods.items) {
        const name = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
        seen.set(name, { name, run: pod.metadata?.labels?.[RUN_LABEL] });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { pods: [...seen.values()], overlapped };
  })();
}

/** The assertions that did not pass, with their pairs' results: what a failed round shows. */
function failuresOf(report: JsonReport | undefined): string {
  if (report === undefined) return 'no JSON report';
  return assertionsOf(report)
    .filter((a) => a.outcome !== 'pass')
    .map((a) => `${a.name}: ${a.outcome}\n${JSON.stringify(a.pairs, undefined, 1)}`)
    .join('\n');
}

/** Every pair's endpoints, as the report shows them. */
function endpointsOf(report: JsonReport): string[] {
  return assertionsOf(report).flatMap((a) =>
    a.pairs.flatMap((p) => [p.source.display, p.destination.display]),
  );
}

describe('two runs at once on one lab', { skip, timeout: 900_000 }, () => {
  let core: CoreV1Api;

  before(async () => {
    core = coreApi(await labUp(LAB));
  });

  after(async () => {
    await labDown(LAB);
  });

  test(`overlapping suites started together (${ROUNDS} times): both exit 0 with every assertion passed, each making and removing only its own probe pods`, async () => {
    let overlaps = 0;
    for (let round = 1; round <= ROUNDS; round += 1) {
      const both = Promise.all(SUITES.map(runSuite));
      const watched = watchProbePods(core, both);
      const [first, second] = await both;
      const { pods: seen, overlapped } = await watched;
      if (overlapped) overlaps += 1;
      for (const run of [first, second]) {
        assert.ok(run, 'both runs finished');
        const where = `round ${round}: ${run.stderr}\n${failuresOf(run.report)}`;
        assert.equal(run.exitCode, 0, where);
        assert.ok(run.report, where);
        const outcomes = assertionsOf(run.report).map((a) => `${a.name}: ${a.outcome}`);
        assert.equal(outcomes.length, 4, where);
        assert.ok(
          outcomes.every((o) => o.endsWith(': pass')),
          `${outcomes.join('\n')}\n${where}`,
        );
        // A pod named for a run is another run's probe pod: never probed as the cluster's.
        const taken = endpointsOf(run.report).filter((e) => RUN_NAMED_POD.test(e));
        assert.deepEqual(taken, [], where);
        assert.match(run.runId ?? '', /^[0-9a-f]{8}$/, where);
      }
      assert.notEqual(first?.runId, second?.runId);
      // Each run's probe pods carry its id in their name and its label; no pod of a third party.
      assert.ok(seen.length > 0, `round ${round}: the watcher saw the probe pods`);
      for (const pod of seen) {
        assert.ok([first?.runId, second?.runId].includes(pod.run), `${pod.name} (run ${pod.run})`);
        assert.ok(pod.name.endsWith(`-${pod.run}`), `${pod.name} is named for run ${pod.run}`);
      }
      process.stderr.write(
        `# ${LAB} round ${round}: runs ${first?.runId} and ${second?.runId}, ` +
          `probe pods of both at once: ${overlapped ? 'yes' : 'no'}\n`,
      );
      await assertNothingLeft(core);
    }
    assert.ok(overlaps > 0, 'in some round both runs had probe pods at the same moment');
  });
});

/** No probe pod, no probe namespace, no agent, no claim on any namespace: the lab as it was. */
async function assertNothingLeft(core: CoreV1Api): Promise<void> {
  const gone = await eventually(
    async () => {
      const [objects, agent, namespaces] = await Promise.all([
        runObjects(core),
        core.readNamespace({ name: AGENT_NAMESPACE }).then(
          () => true,
          () => false,
        ),
        core.listNamespace(),
      ]);
      const claimed = namespaces.items
        .filter((ns) =>
          Object.keys(ns.metadata?.annotations ?? {}).some((key) => key.startsWith(CLAIM_PREFIX)),
        )
        .map((ns) => ns.metadata?.name);
      return { pods: objects.pods, namespaces: objects.namespaces, agent, claimed };
    },
    (left) =>
      left.pods.length === 0 && left.namespaces.length === 0 && !left.agent && left.claimed.length === 0,
    60_000,
  );
  assert.deepEqual(gone, { pods: [], namespaces: [], agent: false, claimed: [] });
}
