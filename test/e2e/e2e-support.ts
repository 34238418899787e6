/**
 * What the end-to-end tests share: whether a lab can run here, one lab per test file
 * brought up and down through the command line, the reports a run writes, and a view of
 * what a run left in the lab's API. Every packet these tests cause stays inside the
 * network namespaces the lab made.
 */
import assert from 'node:assert/strict';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { findLabBinaries, LabBinariesMissingError } from '../../src/lab/control-plane/index.js';
import { RUN_LABEL } from '../../src/probe/index.js';
import type { JsonAssertion, JsonReport } from '../../src/report/index.js';
import { runCli } from '../cli/run-cli.js';
import type { CliRun } from '../cli/run-cli.js';
import { labSkipReason } from '../lab/lab-support.js';

export { REPO_ROOT, runCli } from '../cli/run-cli.js';
export { eventually } from '../lab/lab-helpers.js';
export type { CliRun } from '../cli/run-cli.js';

/** Why no lab can run here (not root, a tool or the control-plane binaries missing), or false. */
export async function e2eSkipReason(): Promise<string | false> {
  const machine = await labSkipReason();
  if (machine !== undefined) return machine;
  try {
    await findLabBinaries();
  } catch (error) {
    if (error instanceof LabBinariesMissingError)
      return `the lab's control plane is missing: ${error.message}`;
    throw error;
  }
  return false;
}

export interface LabOptions {
  readonly cni?: string;
  readonly manifests?: readonly string[];
}

/** `netpol-assert lab up`, after a `lab down` of anything an aborted earlier test left under the name. */
export async function labUp(name: string, options: LabOptions = {}): Promise<string> {
  await runCli(['lab', 'down', '--name', name]);
  const manifests = (options.manifests ?? ['suites/manifests']).flatMap((path) => ['-f', path]);
  const up = await runCli(['lab', 'up', '--name', name, '--cni', options.cni ?? 'full', ...manifests]);
  if (up.exitCode !== 0) throw new Error(`lab up ${name} exited ${up.exitCode}: ${up.stderr}`);
  return up.stdout.trim();
}

/** `netpol-assert lab down`; afterwards `lab status` must find no lab and no namespace of it may remain. */
export async function labDown(name: string): Promise<void> {
  const down = await runCli(['lab', 'down', '--name', name]);
  if (down.exitCode !== 0) throw new Error(`lab down ${name} exited ${down.exitCode}: ${down.stderr}`);
  const status = await runCli(['lab', 'status', '--name', name]);
  if (status.exitCode !== 3) throw new Error(`lab ${name} is still there after lab down: ${status.stdout}`);
  const netns = await labNetns(name);
  if (netns.length > 0) throw new Error(`lab ${name} left network namespaces: ${netns.join(', ')}`);
}

/** The network namespaces of a lab (`npa-<lab>-...`). */
export async function labNetns(name: string): Promise<string[]> {
  const { stdout } = await execa('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((netns) => netns.startsWith(`npa-${name}-`));
}

export interface JsonRun {
  readonly run: CliRun;
  readonly report: JsonReport;
}

/** A run with the JSON reporter on stdout, parsed. */
export async function runJson(args: readonly string[]): Promise<JsonRun> {
  const run = await runCli([...args, '--reporter', 'json']);
  try {
    return { run, report: JSON.parse(run.stdout) as JsonReport };
  } catch {
    throw new Error(`exit ${run.exitCode}, no JSON report on stdout: ${run.stderr}`);
  }
}

/** An assertion named as a reader finds it: its name and where it is written. */
export function assertionKey(assertion: Pick<JsonAssertion, 'name' | 'location'>): string {
  return `${assertion.location.file}:${assertion.location.line} ${assertion.name}`;
}

export function assertionsOf(report: JsonReport): JsonAssertion[] {
  return report.suites.flatMap((suite) => suite.assertions);
}

/** Exactly these assertions (by assertionKey) failed, and each as a `fail`: what `--cni none` does to denies. */
export function assertFailedExactly(report: JsonReport, keys: readonly string[]): void {
  const failed = assertionsOf(report).filter((a) => a.outcome !== 'pass');
  assert.deepEqual(failed.map(assertionKey).sort(), [...keys].sort());
  assert.deepEqual([...new Set(failed.map((a) => a.outcome))], ['fail']);
}

/** One pair per assertion, and what the wire showed: `connected` for an allow, a drop for a deny. */
export function assertWireMatchesExpectations(assertions: readonly JsonAssertion[]): void {
  for (const assertion of assertions) {
    const wanted = assertion.expect === 'allow' ? ['connected'] : ['timeout', 'unreachable'];
    assert.equal(assertion.pairs.length, 1, assertion.name);
    for (const pair of assertion.pairs)
      assert.ok(wanted.includes(pair.observations[0] ?? ''), `${assertion.name}: ${pair.observations}`);
  }
}

/** A running command line whose stderr can be listened to: an execa child. */
export interface SpeakingChild extends PromiseLike<unknown> {
  readonly stderr: NodeJS.ReadableStream;
}

/**
 * Resolves once the child's stderr has said `text` (the runner logs each step there);
 * rejects when it exits first or has not said it within `ms`.
 */
export function said(child: SpeakingChild, text: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let heard = '';
    const timer = setTimeout(() => reject(new Error(`the run never said '${text}': ${heard}`)), ms);
    child.stderr.on('data', (chunk: Buffer) => {
      heard += chunk.toString();
      if (heard.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    const ended = (): void => {
      clearTimeout(timer);
      reject(new Error(`the run ended before saying '${text}': ${heard}`));
    };
    child.then(ended, ended);
  });
}

/** The lab's API as any client sees it, through the kubeconfig `lab up` printed. */
export function coreApi(kubeconfig: string): CoreV1Api {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return config.makeApiClient(CoreV1Api);
}

export interface RunObject {
  readonly name: string;
  readonly deleting: boolean;
}

/** Pods and namespaces that carry the run label, whichever run made them. */
export async function runObjects(core: CoreV1Api): Promise<{ pods: RunObject[]; namespaces: RunObject[] }> {
  const [pods, namespaces] = await Promise.all([
    core.listPodForAllNamespaces({ labelSelector: RUN_LABEL }),
    core.listNamespace({ labelSelector: RUN_LABEL }),
  ]);
  const seen = (item: { metadata?: { name?: string; namespace?: string; deletionTimestamp?: Date } }) => ({
    name: [item.metadata?.namespace, item.metadata?.name].filter(Boolean).join('/'),
    deleting: item.metadata?.deletionTimestamp !== undefined,
  });
  return { pods: pods.items.map(seen), namespaces: namespaces.items.map(seen) };
}
