import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNamespacedTasks, formatTasks, parseHelperLine } from '../../agent/index.js';

test('tasks go to netpol-probe as one line each, then end', () => {
  const text = formatTasks([
    {
      kind: 'probe',
      index: 0,
      mode: 'tcp',
      ip: '198.19.77.2',
      port: 80,
      timeoutMs: 500,
      attempts: 2,
      nonce: 'n1',
    },
    { kind: 'capture', index: 3, port: 53, timeoutMs: 1500, attempts: 1, nonce: 'n2' },
  ]);
  assert.equal(text, 'probe 0 tcp 198.19.77.2 80 500 2 n1\ncapture 3 53 1500 1 n2\nend\n');
});

test('a result line is read into its attempt, with the detail when there is one', () => {
  assert.deepEqual(parseHelperLine('result 4 1 unreachable 12 icmp-3-13'), {
    kind: 'result',
    index: 4,
    attempt: 1,
    word: 'unreachable',
    elapsedMs: 12,
    detail: 'icmp-3-13',
  });
  assert.deepEqual(parseHelperLine('result 5 0 not-seen 1500 -'), {
    kind: 'result',
    index: 5,
    attempt: 0,
    word: 'not-seen',
    elapsedMs: 1500,
  });
});

test('ready, fatal and anything else are told apart', () => {
  assert.deepEqual(parseHelperLine('ready'), { kind: 'ready' });
  assert.deepEqual(parseHelperLine('fatal line 1: bad'), { kind: 'fatal', message: 'line 1: bad' });
  assert.deepEqual(parseHelperLine('result 1 0 allowed 3 -'), {
    kind: 'unknown',
    text: 'result 1 0 allowed 3 -',
  });
});

test('one helper gets every namespace: a netns line, then the tasks that run there', () => {
  const text = formatNamespacedTasks([
    {
      netnsPath: '/proc/41/ns/net',
      tasks: [{ kind: 'capture', index: 1, port: 53, timeoutMs: 1500, attempts: 1, nonce: 'n2' }],
    },
    {
      netnsPath: '/run/netns/with space',
      tasks: [
        {
          kind: 'probe',
          index: 0,
          mode: 'udp-send',
          ip: '198.19.77.2',
          port: 53,
          timeoutMs: 500,
          attempts: 1,
          nonce: 'n2',
        },
      ],
    },
  ]);
  assert.equal(
    text,
    'netns /proc/41/ns/net\ncapture 1 53 1500 1 n2\nnetns /run/netns/with space\nprobe 0 udp-send 198.19.77.2 53 500 1 n2\nend\n',
  );
});

test('a namespace the helper could not enter is read with its number and why', () => {
  assert.deepEqual(parseHelperLine('netns-failed 3 EINVAL'), {
    kind: 'netns-failed',
    netns: 3,
    detail: 'EINVAL',
  });
  assert.deepEqual(parseHelperLine('netns-failed x EINVAL'), {
    kind: 'unknown',
    text: 'netns-failed x EINVAL',
  });
});
