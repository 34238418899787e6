/**
 * A suite's `setup:` applied by `run`, end to end against a lab: the suite
 * test/e2e/fixtures/setup/setup.yaml brings a namespace, a server, a client, a policy
 * admitting only the client and an outside host; the run applies them (labelled with
 * the run), waits for the pods, passes with real packets, and removes what it made,
 * leaving alone what was there before it. The same holds when the run fails (exit 1) and
 * when it is interrupted (exit 130); after a SIGKILLed run, `clean` finds the setup
 * objects by their label. Needs root and the lab's control plane; skipped otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppsV1Api, CoreV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { findLabBinaries } from '../../src/lab/control-plane/index.js';
import { RUN_LABEL } from '../../src/probe/index.js';
import {
  assertionsOf,
  assertWireMatchesExpectations,
  e2eSkipReason,
  eventually,
  labDown,
  labUp,
  REPO_ROOT,
  runCli,
  runJson,
} from './e2e-support.js';

const LAB = 'e2esetup';
const FIXTURES = 'test/e2e/fixtures/setup';
const SUITE = `${FIXTURES}/setup.yaml`;
const skip = await e2eSkipReason();

interface LabApi {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly networking: NetworkingV1Api;
}

/** What the setup of setup.yaml makes, as the lab's API shows it. */
interface SetupSeen {
  /** `setup-demo` absent, or being deleted when no controller manager can finish it. */
  readonly namespace: 'present' | 'deleting' | 'absent';
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly deployments: readonly string[];
  readonly policies: readonly string[];
  /** Every object of any kind carrying the run label, but pods. */
  readonly labelled: readonly string[];
  /** What was there before the run: its namespace's labels and its pod. */
  readonly resident: { readonly labels: Readonly<Record<string, string>>; readonly running: boolean };
}

async function seen(api: LabApi): Promise<SetupSeen> {
  const namespace = await api.core.readNamespace({ name: 'setup-demo' }).then(
    (ns) => ns,
    () => undefined,
  );
  const [deployments, policies, labelledDeployments, labelledPolicies, labelledNamespaces, kept, resident] =
    await Promise.all([
      api.apps.listNamespacedDeployment({ namespace: 'setup-demo' }),
      api.networking.listNamespacedNetworkPolicy({ namespace: 'setup-demo' }),
      api.apps.listDeploymentForAllNamespaces({ labelSelector: RUN_LABEL }),
      api.networking.listNetworkPolicyForAllNamespaces({ labelSelector: RUN_LABEL }),
      api.core.listNamespace({ labelSelector: RUN_LABEL }),
      api.core.readNamespace({ name: 'already-there' }),
      api.core.readNamespacedPod({ namespace: 'already-there', name: 'resident' }),
    ]);
  const name = (item: { metadata?: { name?: string; namespace?: string } }): string =>
    [item.metadata?.namespace, item.metadata?.name].filter(Boolean).join('/');
  return {
    namespace:
      namespace === undefined ? 'absent' : namespace.metadata?.deletionTimestamp ? 'deleting' : 'present',
    namespaceLabels: namespace?.metadata?.labels ?? {},
    deployments: deployments.items.map(name).sort(),
    policies: policies.items.map(name).sort(),
    labelled: [
      ...labelledDeployments.items.map((d) => `Deployment ${name(d)}`),
      ...labelledPolicies.items.map((p) => `NetworkPolicy ${name(p)}`),
      ...labelledNamespaces.items
        .filter((ns) => ns.metadata?.deletionTimestamp === undefined)
        .map((ns) => `Namespace ${name(ns)}`),
    ].sort(),
    resident: {
      labels: { ...kept.metadata?.labels, ...resident.metadata?.labels },
      running: resident.status?.phase === 'Running' && resident.metadata?.deletionTimestamp === undefined,
    },
  };
}

type Child = ResultPromise<{ cwd: string; reject: false; timeout: number }>;

/** The binary as a child process, so that it can be signalled, resolving once stderr has said `text`. */
function startRun(text: string): { child: Child; said: Promise<void> } {
  const child = execa(process.execPath, ['bin/netpol-assert.js', SUITE, '--lab', LAB], {
    cwd: REPO_ROOT,
    reject: false,
    timeout: 120_000,
  });
  const said = new Promise<void>((resolve, reject) => {
    let heard = '';
    const timer = setTimeout(() => reject(new Error(`the run never said '${text}': ${heard}`)), 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      heard += chunk.toString();
      if (heard.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, said };
}

const APPLIED = '4 object(s) created, 2 already there (kept)';

describe("a suite's setup, applied by run and removed after it", { skip, timeout: 240_000 }, () => {
  let api: LabApi;
  /** Without kube-controller-manager no namespace controller finishes a deletion: Terminating is all there is. */
  let namespacesGo = true;

  /** The setup's own objects are gone (its namespace at least going), what was there before is untouched. */
  async function assertSetupGone(): Promise<void> {
    const after = await eventually(
      () => seen(api),
      (s) =>
        s.deployments.length === 0 &&
        s.policies.length === 0 &&
        s.labelled.length === 0 &&
        (s.namespace === 'absent' || (!namespacesGo && s.namespace === 'deleting')),
      60_000,
    );
    assert.deepEqual(after.deployments, [], 'the Deployments are gone');
    assert.deepEqual(after.policies, [], 'the policy is gone');
    assert.deepEqual(after.labelled, [], 'nothing with the run label is left');
    assert.ok(after.namespace !== 'present', `setup-demo is ${after.namespace}`);
    assert.ok(after.resident.running, 'the pod that was there before the run still runs');
    assert.equal(after.resident.labels[RUN_LABEL], undefined, 'and carries no run label');
  }

  before(async () => {
    namespacesGo = (await findLabBinaries()).kubeControllerManager !== undefined;
    // What was there before any run: one of the setup's files, applied by `lab up -f`.
    const kubeconfig = await labUp(LAB, { manifests: [`${FIXTURES}/manifests/already-there.yaml`] });
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    api = {
      core: config.makeApiClient(CoreV1Api),
      apps: config.makeApiClient(AppsV1Api),
      networking: config.makeApiClient(NetworkingV1Api),
    };
  });

  after(async () => {
    await labDown(LAB);
  });

  test('the run applies the setup, its assertions pass on the wire, and what it made is gone after', async () => {
    const before = await seen(api);
    assert.equal(before.namespace, 'absent', 'the setup is not in the lab before the run');

    const { run, report } = await runJson([SUITE, '--lab', LAB]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stderr, /setup: outside hosts setup-outside \(192\.0\.2\.50\)/);
    assert.match(run.stderr, new RegExp(APPLIED.replace(/[()]/g, '\\$&')));
    assert.match(run.stderr, /setup: removing the 4 object\(s\) this run created/);
    const assertions = assertionsOf(report);
    assert.deepEqual(
      assertions.map((a) => `${a.outcome} ${a.name}`),
      [
        'pass from setup-demo/app=client to setup-demo/app=server:8080 expect allow',
        'pass from setup-demo/app=stranger to setup-demo/app=server:8080 expect deny',
        'pass from setup-demo/app=client to 192.0.2.50:443 expect allow',
        'pass from already-there/app=resident to setup-demo/app=server:8080 expect deny',
      ],
    );
    assertWireMatchesExpectations(assertions);
    // The client and the server are the setup's Deployments' pods, not probe pods of the run.
    const [allow] = assertions;
    assert.match(allow?.pairs[0]?.source.display ?? '', /^setup-demo\/client-/);
    assert.match(allow?.pairs[0]?.destination.display ?? '', /^setup-demo\/server-/);
    await assertSetupGone();
  });

  test('a run that fails (exit 1) removes its setup all the same', async () => {
    const { run, report } = await runJson([`${FIXTURES}/failing.yaml`, '--lab', LAB]);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.deepEqual(
      assertionsOf(report).map((a) => a.outcome),
      ['fail'],
    );
    assert.match(run.stderr, /setup: removing the 4 object\(s\) this run created/);
    await assertSetupGone();
  });

  test('SIGINT once the setup is applied exits 130 and removes it', async () => {
    const { child, said } = startRun(APPLIED);
    await said;
    const during = await seen(api);
    assert.deepEqual(during.deployments, ['setup-demo/client', 'setup-demo/server']);
    assert.equal(
      during.namespaceLabels[RUN_LABEL] !== undefined,
      true,
      'the namespace carries the run label',
    );
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 130, String(result.stderr));
    assert.match(String(result.stderr), /setup: removing the 4 object\(s\) this run created/);
    await assertSetupGone();
  });

  test('after a SIGKILLed run, clean removes the setup objects it left, by their run label', async () => {
    const { child, said } = startRun(APPLIED);
    await said;
    child.kill('SIGKILL');
    const result = await child;
    assert.equal(result.signal, 'SIGKILL');
    const left = await seen(api);
    assert.deepEqual(left.labelled, [
      'Deployment setup-demo/client',
      'Deployment setup-demo/server',
      'Namespace setup-demo',
      'NetworkPolicy setup-demo/server-allow-client',
    ]);

    const clean = await runCli(['clean', '--lab', LAB]);
    assert.equal(clean.exitCode, 0, clean.stderr);
    assert.match(clean.stdout, /^removed setup object Deployment setup-demo\/server$/m);
    assert.match(clean.stdout, /^removed setup object NetworkPolicy setup-demo\/server-allow-client$/m);
    await assertSetupGone();
  });
});
