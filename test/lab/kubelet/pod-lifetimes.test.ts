/**
 * What the lab's kubelet does to exec'd processes when their pod goes, as a container
 * runtime does: they are killed with the pod's containers, and the exec ends with the
 * kill. And a node whose kubelet stopped takes no pods when the lab binds them itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { PodBinder } from '../../../src/lab/kubelet/pod-binder.js';
import { PodLifetimes } from '../../../src/lab/kubelet/pod-lifetimes.js';
import { runExec } from '../../../src/lab/kubelet/exec-session.js';
import type { ExecTransport } from '../../../src/lab/kubelet/exec-session.js';
import type { ExecStatus } from '../../../src/lab/kubelet/index.js';

test('each pod gets one signal, aborted once the pod is no longer among those running', () => {
  const lifetimes = new PodLifetimes();
  const a = lifetimes.signal('uid-a');
  const b = lifetimes.signal('uid-b');
  assert.equal(lifetimes.signal('uid-a'), a, 'the same signal for every exec of a pod');
  lifetimes.keepOnly(new Set(['uid-a']));
  assert.equal(a.aborted, false);
  assert.equal(b.aborted, true);
  assert.notEqual(lifetimes.signal('uid-b'), b, 'a pod of that uid started again gets a new one');
});

test("a command exec'd in a pod is killed when the pod goes, and the exec ends with the kill", async () => {
  const lifetimes = new PodLifetimes();
  let finished: ExecStatus | undefined;
  const transport: ExecTransport = {
    stdout: () => undefined,
    stderr: () => undefined,
    listen: () => undefined,
    finish: (status) => (finished = status),
  };
  const request = {
    namespace: 'ns',
    pod: 'agent',
    container: 'agent',
    command: ['sleep', '30'],
    stdin: false,
    stdout: true,
    stderr: true,
    tty: false,
  };
  const target = {
    file: 'sleep',
    args: ['30'],
    env: { PATH: '/usr/bin:/bin' },
    podGone: lifetimes.signal('uid'),
  };
  const started = Date.now();
  const running = runExec(transport, request, target);
  setTimeout(() => lifetimes.keepOnly(new Set()), 200);
  const outcome = await running;
  assert.deepEqual(outcome, { kind: 'signalled', signal: 'SIGKILL' });
  assert.ok(Date.now() - started < 5_000, 'at once, not after its 30 s');
  assert.equal(finished?.status, 'Failure');
});

test('a node whose kubelet stopped gets no pod in turn, and gets its turn back once it runs', () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'lab', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'lab' }],
    contexts: [{ name: 'lab', cluster: 'lab', user: 'lab' }],
    currentContext: 'lab',
  });
  const stopped = new Set(['lab-node-1']);
  const binder = new PodBinder(kubeConfig, ['lab-node-0', 'lab-node-1'], (node) => !stopped.has(node));
  const pod = { metadata: {}, spec: { containers: [] } };
  assert.deepEqual(
    [binder.chooseNode(pod), binder.chooseNode(pod), binder.chooseNode(pod)],
    ['lab-node-0', 'lab-node-0', 'lab-node-0'],
  );
  stopped.clear();
  assert.deepEqual([binder.chooseNode(pod), binder.chooseNode(pod)].sort(), ['lab-node-0', 'lab-node-1']);
});
