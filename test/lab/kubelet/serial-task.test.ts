/** The kubelet's sync passes: one at a time, requests during a pass served by one more pass. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serialTask } from '../../../src/lab/kubelet/index.js';

test('requests during a pass are coalesced into one more pass, which each of them waits for', async () => {
  let passes = 0;
  let running = 0;
  let overlapped = false;
  const sync = serialTask(async () => {
    running += 1;
    overlapped ||= running > 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    passes += 1;
    running -= 1;
  });
  const first = sync();
  const queued = [sync(), sync(), sync()];
  await first;
  assert.equal(passes, 1);
  await Promise.all(queued);
  assert.equal(passes, 2);
  assert.equal(overlapped, false);
});

test('a failed pass rejects its callers and does not stop the next one', async () => {
  let fail = true;
  const sync = serialTask(async () => {
    if (fail) throw new Error('data plane busy');
  });
  await assert.rejects(sync(), /data plane busy/);
  fail = false;
  await sync();
});
