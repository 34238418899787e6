/**
 * `--cni ...+lossy`: the knob as `--cni` reads it, and the data plane's lossy links over
 * a pod's life. Forced to the user-space stage (lossy-link.c) whatever the kernel has, as
 * CI's kernel (no sch_netem) always takes it: one lossy-link per pod with a link of its
 * own, none for a hostNetwork pod, gone with its pod and with the lab. The loss and delay
 * themselves are measured end to end (test/e2e/lossy-links.test.ts). The data-plane part
 * needs root, iproute2, nftables and a C compiler.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { formatCni, LOSSY, parseCniMode } from '../../src/lab/enforcer/index.js';
import type { DataPlane, DataPlaneStatus, DesiredState } from '../../src/lab/data-plane/index.js';
import { netemArgs } from '../../src/lab/link-faults/index.js';
import { netnsPids } from '../../src/lab/host/index.js';
import type { Protocol } from '../../src/policy/cluster.js';
import { labSkipReason, probeFrom } from './lab-support.js';

process.env.NETPOL_ASSERT_LINK_EMULATION = 'userspace';
const { DataPlane: Plane } = await import('../../src/lab/data-plane/index.js');
const skip = (await labSkipReason()) ?? false;

describe('--cni reads lossy links', () => {
  test('lossy alone is full enforcement with 5% loss and 200 ms of jitter', () => {
    assert.deepEqual(parseCniMode('lossy'), { ok: true, mode: { kind: 'full' }, links: LOSSY });
    assert.deepEqual(LOSSY, { lossPercent: 5, jitterMs: 200 });
  });

  test('any mode takes +lossy, with or without its figures', () => {
    assert.deepEqual(parseCniMode('none+lossy'), { ok: true, mode: { kind: 'none' }, links: LOSSY });
    assert.deepEqual(parseCniMode('delay=2.5+lossy=0.5%/50ms'), {
      ok: true,
      mode: { kind: 'delay', seconds: 2.5 },
      links: { lossPercent: 0.5, jitterMs: 50 },
    });
    assert.deepEqual(parseCniMode('lossy=10%/0ms'), {
      ok: true,
      mode: { kind: 'full' },
      links: { lossPercent: 10, jitterMs: 0 },
    });
    assert.deepEqual(parseCniMode('full'), { ok: true, mode: { kind: 'full' } }, 'no +lossy, no faults');
  });

  test('figures out of range, a bad mode before +lossy, or lossy as the mode are refused, saying what is expected', () => {
    for (const text of ['lossy=60%/10ms', 'lossy=5%/20000ms', 'lossy=5/200', 'full+lossy=5%', 'full+slow']) {
      const parsed = parseCniMode(text);
      assert.equal(parsed.ok, false, text);
      assert.match(parsed.ok ? '' : parsed.problem, /expected lossy or lossy=LOSS%\/JITTERms/, text);
    }
    for (const text of ['weave+lossy', 'lossy+none', 'lossier']) {
      const parsed = parseCniMode(text);
      assert.equal(parsed.ok, false, text);
      assert.match(parsed.ok ? '' : parsed.problem, /optionally followed by \+lossy, or lossy/, text);
    }
  });

  test('formatCni writes what parseCniMode reads back', () => {
    for (const text of ['full', 'no-pass', 'full+lossy=5%/200ms', 'delay=1.5+lossy=0.25%/75ms']) {
      const parsed = parseCniMode(text);
      assert.ok(parsed.ok, text);
      assert.equal(formatCni(parsed.mode, parsed.links), text);
    }
    assert.equal(formatCni({ kind: 'full' }, LOSSY), 'full+lossy=5%/200ms');
  });

  test('netem takes the jitter as a uniform delay around its middle, and the loss', () => {
    assert.deepEqual(netemArgs('eth0', LOSSY), [
      'qdisc',
      'replace',
      'dev',
      'eth0',
      'root',
      'netem',
      'delay',
      '100ms',
      '100ms',
      'loss',
      '5%',
    ]);
  });
});

function scenario(podNames: readonly string[]): DesiredState {
  const pod = (name: string, nodeName: string, hostNetwork = false) => ({
    namespace: 'a',
    name,
    uid: `uid-${name}`,
    labels: { app: name },
    nodeName,
    hostNetwork,
    ports: [{ port: 80, protocol: 'TCP' as Protocol }],
  });
  const all = [
    pod('one', 'node-a'),
    pod('two', 'node-b'),
    pod('three', 'node-b'),
    pod('host', 'node-a', true),
  ];
  return {
    nodes: [{ name: 'node-a' }, { name: 'node-b' }],
    namespaces: [{ name: 'a', labels: {} }],
    pods: all.filter((p) => podNames.includes(p.name)),
    policies: [],
  };
}

/** The lossy-link processes inside a namespace. */
async function lossyLinksIn(netns: string): Promise<number[]> {
  const pids = await netnsPids(netns);
  const commands = await Promise.all(
    pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')),
  );
  return pids.filter((_, index) => /\/lossy-link-[0-9a-f]+\0/.test(commands[index] ?? ''));
}

function podOf(status: DataPlaneStatus, name: string) {
  const pod = status.pods.find((p) => p.name === name);
  assert.ok(pod?.phase === 'Running', `${name} runs`);
  return pod;
}

describe('lossy pod links in the data plane (user-space stage)', { skip }, () => {
  const lab = 'h12nlinks';
  let plane: DataPlane;

  before(async () => {
    await Plane.cleanLeftovers({ lab });
    plane = await Plane.create(lab, { cni: 'lossy' });
  });

  after(async () => {
    await plane?.destroy();
  });

  test('each pod with its own link gets one lossy-link; a hostNetwork pod none; the status says lossy', async () => {
    const status = await plane.apply(scenario(['one', 'two', 'host']));
    assert.equal(status.cni, 'full+lossy=5%/200ms');
    for (const name of ['one', 'two']) {
      assert.equal((await lossyLinksIn(podOf(status, name).netns)).length, 1, name);
    }
    assert.deepEqual(await lossyLinksIn(podOf(status, 'host').netns), [], 'the node namespace has none');
    const [one, two] = [podOf(status, 'one'), podOf(status, 'two')];
    const outcomes = await probeFrom(
      one.netns,
      Array.from({ length: 20 }, () => ({ protocol: 'TCP' as Protocol, address: two.ip, port: 80 })),
      3000,
    );
    assert.deepEqual(
      outcomes.filter((outcome) => outcome !== 'connected'),
      [],
      'through two lossy links, every probe connects',
    );
  });

  test('a removed pod takes its lossy-link with it', async () => {
    const stage = (await lossyLinksIn(podOf(plane.status(), 'two').netns))[0];
    assert.ok(stage !== undefined);
    const after = await plane.apply(scenario(['one', 'three', 'host']));
    assert.equal(
      after.pods.find((p) => p.name === 'two'),
      undefined,
    );
    assert.equal(await processExists(stage), false, 'the removed pod left its lossy-link running');
  });

  test('a lossy-link that dies leaves its pod a clean link, not a cut one', async () => {
    const one = podOf(plane.status(), 'one');
    const stage = (await lossyLinksIn(one.netns))[0];
    assert.ok(stage !== undefined);
    process.kill(stage, 'SIGKILL');
    const clean = async () =>
      !(await execa('tc', ['-n', one.netns, 'qdisc', 'show', 'dev', 'eth0'])).stdout.includes('clsact');
    const deadline = Date.now() + 5000;
    while (!(await clean()) && Date.now() < deadline) await sleep(50);
    assert.ok(await clean(), 'the redirect into the dead stage is gone');
    // From pod one, whose link is clean now, to the hostNetwork pod on its node, which has
    // no lossy link: every probe connects at once, as over a clean wire.
    const host = podOf(plane.status(), 'host');
    const started = Date.now();
    const outcomes = await probeFrom(
      one.netns,
      Array.from({ length: 20 }, () => ({ protocol: 'TCP' as Protocol, address: host.ip, port: 80 })),
      1000,
    );
    assert.deepEqual(
      outcomes,
      Array.from({ length: 20 }, () => 'connected'),
    );
    assert.ok(Date.now() - started < 1000, `20 probes over a clean link took ${Date.now() - started} ms`);
  });

  test('the lab takes the last lossy-link with it', async () => {
    const last = (await lossyLinksIn(podOf(plane.status(), 'three').netns))[0];
    assert.ok(last !== undefined);
    await plane.destroy();
    assert.equal(await processExists(last), false, 'the destroyed lab left a lossy-link running');
  });
});

async function processExists(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z /.test(stat);
}
