/** Lab processes are recognised by pid and start time, so a recycled pid is never signalled. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execa } from 'execa';
import { isRunning, processesMentioning, processStartTime } from '../../../src/lab/supervisor/index.js';

test('a running process is the recorded one only while its start time matches', async () => {
  const startTime = await processStartTime(process.pid);
  assert.match(startTime ?? '', /^\d+$/);
  assert.equal(await isRunning({ name: 'self', pid: process.pid, startTime: startTime ?? '' }), true);
  assert.equal(await isRunning({ name: 'recycled', pid: process.pid, startTime: '1' }), false);
});

test('processes are found by a marker on their command line, and are gone once they end', async () => {
  const marker = `/run/netpol-assert-test-marker-${process.pid}/`;
  // The marker becomes the shell's $0: on its command line, harmless to it.
  const sleeper = execa('sh', ['-c', 'sleep 30', marker], { reject: false });
  try {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const found = await processesMentioning(marker);
    assert.deepEqual(
      found.map((entry) => [entry.name, entry.pid]),
      [['sh', sleeper.pid]],
    );
    sleeper.kill('SIGKILL');
    await sleeper;
    assert.equal(await isRunning(found[0]!), false);
  } finally {
    sleeper.kill('SIGKILL');
  }
});
