/**
 * Fifty pods: the lab's budget is well under 1.5 GB for every lab process, so the
 * responders of fifty pods must stay small, start quickly, and all answer.
 * Needs root, iproute2, nftables and a C compiler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredPod } from '../../src/lab/data-plane/index.js';
import { DataPlane } from '../../src/lab/data-plane/index.js';
import { hostSnapshot, labSkipReason, probeFrom, rssKib } from './lab-support.js';

const skip = (await labSkipReason()) ?? false;
const LAB = 'tscale';

test(
  'fifty pods on three nodes start in seconds, answer, and their responders use under 100 MB in all',
  { skip },
  async (t) => {
    await DataPlane.cleanLeftovers({ lab: LAB });
    const before = await hostSnapshot(`npa-${LAB}-`);
    const plane = await DataPlane.create(LAB);
    try {
      const pods = Array.from({ length: 50 }, (_, i): DesiredPod => ({
        namespace: `ns${i % 5}`,
        name: `pod${i}`,
        uid: `scale-${i}`,
        labels: { app: `app${i % 3}` },
        nodeName: `node-${i % 3}`,
        ports: [
          { port: 80, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
      }));
      const started = Date.now();
      const status = await plane.apply({
        nodes: [0, 1, 2].map((i) => ({ name: `node-${i}` })),
        namespaces: [0, 1, 2, 3, 4].map((i) => ({ name: `ns${i}`, labels: {} })),
        pods,
        policies: [],
      });
      const elapsed = Date.now() - started;
      const running = status.pods.flatMap((pod) => (pod.phase === 'Running' ? [pod] : []));
      assert.equal(running.length, 50);
      let totalKib = 0;
      for (const pod of running) totalKib += await rssKib(pod.pid);
      const [first] = running;
      assert.ok(first);
      const outcomes = await probeFrom(
        first.netns,
        running.flatMap((pod) => [
          { protocol: 'TCP' as const, address: pod.ip, port: 80 },
          { protocol: 'UDP' as const, address: pod.ip, port: 53 },
        ]),
      );
      t.diagnostic(
        `50 pods applied in ${elapsed} ms; responders' RSS ${Math.round(totalKib / 1024)} MiB in all`,
      );
      assert.deepEqual(new Set(outcomes), new Set(['connected']));
      assert.ok(elapsed < 20_000, `applied in ${elapsed} ms`);
      assert.ok(totalKib < 100 * 1024, `responders use ${totalKib} KiB`);
    } finally {
      await plane.destroy();
    }
    assert.deepEqual(await hostSnapshot(`npa-${LAB}-`), before);
  },
);
