/**
 * A run SIGKILLed in each phase (planning, pods starting, probing, cleanup) cleans up
 * nothing; `netpol-assert clean` afterwards leaves the lab exactly as it was before the
 * run. "As it was" is a full listing of the lab's API: every object of every kind the API
 * server serves and lists (namespaced and cluster-scoped, custom resources included),
 * with any netpol-assert label or annotation on it, compared before the run and after
 * `clean` (Events aside: the API server keeps them for an hour whoever made them).
 *
 * Each phase is found from what the run prints on stderr as it goes (no hook for tests):
 * `read the cluster:` (it plans next), `creating N probe pod(s)`, `probing N pair(s)`,
 * `cleaning up run ID`; the kill follows the line at once. The suite
 * (test/e2e/fixtures/sigkill) makes something in every phase: setup objects of many
 * kinds, the agent, probe pods and a probe namespace. Needs root and the lab's control
 * plane; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ApisApi,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import type { KubernetesObject, V1APIResource } from '@kubernetes/client-node';
import { execa } from 'execa';
import { PROBE_LABEL } from '../../src/probe/index.js';
import { e2eSkipReason, eventually, labDown, labUp, REPO_ROOT, runCli, said } from './e2e-support.js';

const LAB = 'h12ckill';
const SUITE = 'test/e2e/fixtures/sigkill/sigkill.yaml';
const skip = await e2eSkipReason();

/** What kinds the lab's API serves and lists: every group, every version, no subresources. */
async function listableKinds(config: KubeConfig): Promise<{ apiVersion: string; kind: string }[]> {
  const core = config.makeApiClient(CoreV1Api);
  const custom = config.makeApiClient(CustomObjectsApi);
  const listable = (apiVersion: string, resources: readonly V1APIResource[]) =>
    resources
      .filter((r) => !r.name.includes('/') && r.verbs.includes('list'))
      .map((r) => ({ apiVersion, kind: r.kind }));
  const kinds = listable('v1', (await core.getAPIResources()).resources);
  for (const group of (await config.makeApiClient(ApisApi).getAPIVersions()).groups)
    for (const { groupVersion, version } of group.versions)
      kinds.push(
        ...listable(groupVersion, (await custom.getAPIResources({ group: group.name, version })).resources),
      );
  return kinds.filter(({ kind }) => kind !== 'Event');
}

/** Every object, as `apiVersion Kind namespace/name`, with its netpol-assert labels and annotations. */
async function fullListing(config: KubeConfig): Promise<string[]> {
  const client = KubernetesObjectApi.makeApiClient(config);
  const lines: string[] = [];
  for (const { apiVersion, kind } of await listableKinds(config)) {
    const list = await client.list<KubernetesObject>(apiVersion, kind);
    for (const item of list.items) {
      const marks = Object.entries({ ...item.metadata?.labels, ...item.metadata?.annotations })
        .filter(([key]) => key.includes('netpol-assert'))
        .map(([key, value]) => `${key}=${value}`)
        .sort();
      const where = [item.metadata?.namespace, item.metadata?.name].filter(Boolean).join('/');
      lines.push(`${apiVersion} ${kind} ${where}${marks.length > 0 ? ` [${marks.join(' ')}]` : ''}`);
    }
  }
  return lines.sort();
}

/** `Pod×3 Namespace×2 ...` of listing lines: what a killed run left, in short. */
function kindCounts(lines: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const kind = line.split(' ')[1] ?? '?';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts].map(([kind, count]) => `${kind}×${count}`).join(' ');
}

function difference(
  before: readonly string[],
  now: readonly string[],
): { added: string[]; removed: string[] } {
  return {
    added: now.filter((line) => !before.includes(line)),
    removed: before.filter((line) => !now.includes(line)),
  };
}

describe('a run SIGKILLed in any phase, then netpol-assert clean', { skip, timeout: 1_200_000 }, () => {
  let config: KubeConfig;
  let pristine: string[];

  before(async () => {
    config = new KubeConfig();
    config.loadFromFile(await labUp(LAB));
    pristine = await fullListing(config);
  });

  after(async () => {
    await labDown(LAB);
  });

  /**
   * Runs the suite, kills it once it says `marker` (and `then` resolves, when given),
   * cleans, and compares the lab with how it was.
   */
  async function killAt(marker: string, then?: () => Promise<void>): Promise<void> {
    // The lab as the run finds it: what the phase before left is gone.
    const before = await eventually(
      () => fullListing(config),
      (listing) => difference(pristine, listing).added.length === 0,
      120_000,
    );
    assert.deepEqual(difference(pristine, before), { added: [], removed: [] });
    const child = execa(process.execPath, ['bin/netpol-assert.js', SUITE, '--lab', LAB], {
      cwd: REPO_ROOT,
      reject: false,
      timeout: 180_000,
    });
    let heard = '';
    child.stderr.on('data', (chunk: Buffer) => (heard += chunk.toString()));
    await said(child, marker, 150_000);
    if (then) await then();
    child.kill('SIGKILL');
    const killed = await child;
    assert.equal(killed.signal, 'SIGKILL');
    const left = difference(before, await fullListing(config));
    assert.ok(left.added.length > 0, 'a killed run leaves something: there is work for clean');
    const last = heard.trim().split('\n').at(-1) ?? '';
    process.stderr.write(`# ${LAB}: killed after '${last}', left: ${kindCounts(left.added)}\n`);

    const clean = await runCli(['clean', '--lab', LAB]);
    assert.equal(clean.exitCode, 0, clean.stderr);
    assert.match(clean.stdout, /removed netpol-assert's leftovers/);
    // Deletions finish in the background (namespaces, garbage collection): wait for them.
    const after = await eventually(
      () => fullListing(config),
      (listing) => {
        const change = difference(before, listing);
        return change.added.length === 0 && change.removed.length === 0;
      },
      120_000,
    );
    assert.deepEqual(difference(before, after), { added: [], removed: [] });
  }

  test('killed while planning: clean leaves the cluster as it was before the run', async () => {
    await killAt('read the cluster:');
  });

  test('killed while its probe pods start: clean leaves the cluster as it was before the run', async () => {
    // The line comes before the pods are asked for: the kill waits until the API shows one.
    await killAt('creating ', async () => {
      const core = config.makeApiClient(CoreV1Api);
      const pods = await eventually(
        () => core.listPodForAllNamespaces({ labelSelector: PROBE_LABEL }),
        (list) => list.items.length > 0,
        60_000,
      );
      assert.ok(pods.items.length > 0, 'the run made a probe pod');
    });
  });

  test('killed while probing: clean leaves the cluster as it was before the run', async () => {
    await killAt('probing ');
  });

  test('killed while cleaning up: clean leaves the cluster as it was before the run', async () => {
    await killAt('cleaning up run ');
  });
});
