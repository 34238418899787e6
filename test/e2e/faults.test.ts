/**
 * Faults injected in a real lab while a run is under way, each with the outcome a user
 * may trust: the agent pod of one node deleted mid-probe, a node whose kubelet stops
 * (NotReady), the API server stopped for 10 s mid-probe and mid-cleanup. Whatever
 * fails, a pair is passed only on what the wire showed, the pairs that could not be
 * observed are inconclusive with the reason, and the run leaves nothing behind. The
 * faults come from the lab's supervisor (its control socket: `stop-kubelet`,
 * `restart-apiserver`) or the API; the binary runs as a child, whose stderr says which
 * step it is in. One lab for all, in this order: the kubelet stopped stays stopped.
 * Needs root and the lab's control plane; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { askSupervisor, labPaths } from '../../src/lab/index.js';
import { AGENT_NAMESPACE } from '../../src/probe/index.js';
import type { JsonPair, JsonReport } from '../../src/report/index.js';
import {
  assertionsOf,
  coreApi,
  e2eSkipReason,
  eventually,
  labDown,
  labNetns,
  labUp,
  REPO_ROOT,
  runObjects,
} from './e2e-support.js';

const LAB = 'e2efaults';
const FIXTURES = 'test/e2e/fixtures/faults';
/** Each node's client to its server, an allow and an 8 s deny per node. */
const PER_NODE = `${FIXTURES}/per-node.yaml`;
/** The same on lab-node-0 alone. */
const NODE_0 = `${FIXTURES}/node-0.yaml`;
const STOPPED_NODE = 'lab-node-1';
const skip = await e2eSkipReason();

type Child = ResultPromise<{ cwd: string; reject: false; timeout: number }>;

interface Run {
  readonly child: Child;
  readonly report: string;
}

interface Finished {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly report: JsonReport;
  readonly ms: number;
}

describe('faults injected in the lab, each with its honest outcome', { skip, timeout: 600_000 }, () => {
  let core: CoreV1Api;
  let folder = '';
  let runs = 0;
  const socket = labPaths(LAB).socket;

  function startRun(suite: string, ...args: string[]): Run {
    const report = join(folder, `report-${++runs}.json`);
    const child = execa(
      process.execPath,
      ['bin/netpol-assert.js', suite, '--lab', LAB, '--json', report, ...args],
      { cwd: REPO_ROOT, reject: false, timeout: 240_000 },
    );
    return { child, report };
  }

  async function finished(run: Run, started = Date.now()): Promise<Finished> {
    const result = await run.child;
    const ms = Date.now() - started;
    const text = await readFile(run.report, 'utf8').catch(() => {
      throw new Error(`exit ${result.exitCode}, no report: ${String(result.stderr)}`);
    });
    return {
      exitCode: result.exitCode,
      stderr: String(result.stderr),
      report: JSON.parse(text) as JsonReport,
      ms,
    };
  }

  /** Asks the lab's supervisor to inject a fault; resolves once it is in place (the API server: back). */
  async function inject(request: Parameters<typeof askSupervisor>[1]): Promise<void> {
    const answer = await askSupervisor(socket, request, 120_000);
    assert.ok(answer.ok, `the lab injected ${request.op}: ${JSON.stringify(answer)}`);
  }

  /**
   * Nothing of the run is left: no run pod or namespace, the agent gone (unless kept), no
   * agent or probe process, and no network namespace that was not there before the run
   * (the pods of a node whose kubelet stopped stay, as containers on a dead node do).
   */
  async function assertNothingLeft(agent: 'removed' | 'kept', netnsBefore: readonly string[]): Promise<void> {
    const left = await eventually(
      () => runObjects(core),
      (o) => o.pods.length === 0 && o.namespaces.every((ns) => ns.deleting),
      20_000,
    );
    assert.deepEqual(left.pods, [], 'no probe pod remains');
    assert.ok(
      left.namespaces.every((ns) => ns.deleting),
      'no run namespace remains',
    );
    const agentNamespace = await core.readNamespace({ name: AGENT_NAMESPACE }).then(
      (ns) => ns.metadata,
      () => undefined,
    );
    if (agent === 'kept') assert.ok(agentNamespace, 'the agent is kept, as asked');
    else
      assert.ok(
        agentNamespace === undefined || agentNamespace.deletionTimestamp !== undefined,
        'the agent is gone or going',
      );
    const probes = await eventually(
      () => probeProcesses(LAB),
      (found) => found.length === 0,
      20_000,
    );
    assert.deepEqual(probes, [], "no agent or probe process of the run is left in the lab's namespaces");
    const added = (netns: readonly string[]): string[] => netns.filter((name) => !netnsBefore.includes(name));
    const netns = await eventually(
      () => labNetns(LAB),
      (now) => added(now).length === 0,
      30_000,
    );
    assert.deepEqual(added(netns), [], 'no network namespace of the run is left');
  }

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'npa-e2e-faults-'));
    core = coreApi(await labUp(LAB, { manifests: [`${FIXTURES}/manifests`] }));
    // The supervisor's client loads on first use: loaded now, a fault lands when it is asked for.
    await askSupervisor(socket, { op: 'status' }, 60_000);
  });

  after(async () => {
    await labDown(LAB);
    if (folder !== '') await rm(folder, { recursive: true, force: true });
  });

  test("the agent pod of one node deleted while its probes are in flight: that node's unanswered pairs are inconclusive, the other node's pass, exit 1, nothing left behind", async () => {
    const netnsBefore = await labNetns(LAB);
    const run = startRun(PER_NODE);
    await said(run.child.stderr, 'probing ', 90_000);
    const agents = await core.listNamespacedPod({ namespace: AGENT_NAMESPACE });
    const victim = agents.items.find((pod) => pod.spec?.nodeName === 'lab-node-0');
    assert.ok(victim?.metadata?.name, 'the agent runs on lab-node-0');
    await core.deleteNamespacedPod({
      name: victim.metadata.name,
      namespace: AGENT_NAMESPACE,
      gracePeriodSeconds: 0,
    });
    const { exitCode, report, stderr } = await finished(run);
    assert.equal(exitCode, 1, stderr);
    const pairs = pairsOf(report);
    assert.equal(pairs.length, 4);
    const onNode0 = pairs.filter((p) => p.source.display === 'faults/client-0');
    const unanswered = onNode0.filter((p) => p.outcome !== 'pass');
    assert.ok(unanswered.length >= 1, 'the 8 s deny of lab-node-0 was in flight when its agent went');
    for (const pair of unanswered) {
      assert.equal(pair.outcome, 'inconclusive');
      assert.deepEqual(pair.observations, ['error']);
      assert.match(pair.reason ?? '', /^the agent on lab-node-0 gave no answer \(/);
    }
    assertObservedPasses(pairs);
    assert.deepEqual(
      pairs.filter((p) => p.source.display === 'faults/client-1').map((p) => p.outcome),
      ['pass', 'pass'],
      "lab-node-1's pairs run as if nothing happened",
    );
    await assertNothingLeft('removed', netnsBefore);
  });

  test("a node whose kubelet stopped (NotReady): its pods' pairs are inconclusive naming it, the other node's pass, exit 1, without waiting out --ready-timeout", async () => {
    await inject({ op: 'stop-kubelet', node: STOPPED_NODE });
    const node = await core.readNode({ name: STOPPED_NODE });
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'Unknown');
    const started = Date.now();
    const { exitCode, report, stderr, ms } = await finished(startRun(PER_NODE), started);
    assert.equal(exitCode, 1, stderr);
    const pairs = pairsOf(report);
    const onStopped = pairs.filter((p) => p.source.display === 'faults/client-1');
    assert.equal(onStopped.length, 2);
    for (const pair of onStopped) {
      assert.equal(pair.outcome, 'inconclusive');
      assert.equal(
        pair.reason,
        `the source pod's node ${STOPPED_NODE} is not reporting (NodeStatusUnknown: Kubelet stopped posting node status.)`,
      );
    }
    assert.deepEqual(
      pairs.filter((p) => p.source.display === 'faults/client-0').map((p) => p.outcome),
      ['pass', 'pass'],
    );
    assertObservedPasses(pairs);
    assert.match(stderr, /node lab-node-1 is not reporting .*: pairs of its pods are inconclusive/);
    assert.ok(ms < 60_000, `done in ${ms} ms, not after the 120 s ready timeout`);
    process.stderr.write(`# ${LAB}: with ${STOPPED_NODE} NotReady, the run took ${ms} ms\n`);
  });

  test('with that node still NotReady, a suite whose pods are all elsewhere waits for no agent there and passes (exit 0)', async () => {
    // The agent is kept: the API server tests below need no new pod scheduled.
    const started = Date.now();
    const { exitCode, report, stderr, ms } = await finished(startRun(NODE_0, '--keep-agent'), started);
    assert.equal(exitCode, 0, stderr);
    assert.deepEqual(
      assertionsOf(report).map((a) => a.outcome),
      ['pass', 'pass'],
    );
    assertObservedPasses(pairsOf(report));
    assert.ok(ms < 60_000, `done in ${ms} ms`);
  });

  test('the API server stopped for 10 s while a probe is in flight: the cut pair is inconclusive, never passed; the run cleans up once it is back and exits 1', async () => {
    const netnsBefore = await labNetns(LAB);
    const run = startRun(NODE_0, '--keep-agent');
    // The allow is judged at once; the deny then waits out its 8 s while the API server goes.
    await said(run.child.stdout, 'ok 1 - ', 90_000);
    const outage = inject({ op: 'restart-apiserver', downSeconds: 10 });
    const { exitCode, report, stderr } = await finished(run);
    await outage;
    assert.equal(exitCode, 1, stderr);
    const [allow, deny] = pairsOf(report);
    assert.equal(allow?.outcome, 'pass');
    assert.deepEqual(allow?.observations, ['connected']);
    assert.equal(deny?.outcome, 'inconclusive', 'a probe whose answer never came is not a pass');
    assert.deepEqual(deny?.observations, ['error']);
    assert.match(deny?.reason ?? '', /^the agent on lab-node-0 gave no answer \(its exec was cut\): /);
    assert.match(stderr, /the API server did not answer \(.*\): trying again for up to 30s/);
    await assertNothingLeft('kept', netnsBefore);
  });

  test('the API server stopped for 10 s while the run cleans up: the removals are tried again until it is back; every pass was observed (exit 0), nothing left behind', async () => {
    const netnsBefore = await labNetns(LAB);
    const run = startRun(NODE_0);
    await said(run.child.stderr, 'cleaning up run ', 90_000);
    const outage = inject({ op: 'restart-apiserver', downSeconds: 10 });
    const { exitCode, report, stderr } = await finished(run);
    await outage;
    assert.equal(exitCode, 0, stderr);
    assert.deepEqual(
      assertionsOf(report).map((a) => a.outcome),
      ['pass', 'pass'],
    );
    assertObservedPasses(pairsOf(report));
    assert.match(stderr, /the API server did not answer \(.*\): trying again for up to 30s/);
    await assertNothingLeft('removed', netnsBefore);
  });
});

function pairsOf(report: JsonReport): JsonPair[] {
  return assertionsOf(report).flatMap((a) => a.pairs);
}

/** Every pair that passed shows what passes it on the wire: a connection for an allow, silence for a deny. */
function assertObservedPasses(pairs: readonly JsonPair[]): void {
  for (const pair of pairs.filter((p) => p.outcome === 'pass')) {
    const seen = pair.expected === 'allow' ? ['connected'] : ['timeout', 'unreachable'];
    assert.ok(
      pair.observations.length > 0 && pair.observations.every((o) => seen.includes(o)),
      `${pair.source.display} -> ${pair.destination.display}:${pair.port} passed on ${pair.observations.join(', ')}`,
    );
  }
}

/** Resolves once the stream has carried `text`. */
function said(stream: NodeJS.ReadableStream, text: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let heard = '';
    const timer = setTimeout(() => reject(new Error(`never said '${text}': ${heard}`)), ms);
    stream.on('data', (chunk: Buffer) => {
      heard += chunk.toString();
      if (heard.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Agent (`netpol-assert-agent … probe`) and prober (netpol-probe) processes in any of the lab's namespaces. */
async function probeProcesses(lab: string): Promise<string[]> {
  const found: string[] = [];
  for (const netns of await labNetns(lab)) {
    const { stdout } = await execa('ip', ['netns', 'pids', netns], { reject: false });
    for (const pid of stdout.split('\n').filter(Boolean)) {
      const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      const argv = command.split('\0');
      if (
        argv.some((arg) => arg.endsWith('netpol-probe')) ||
        (argv.includes('probe') && command.includes('agent'))
      )
        found.push(`${netns} ${pid} ${argv.join(' ')}`);
    }
  }
  return found;
}
