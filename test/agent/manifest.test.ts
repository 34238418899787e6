/** The DaemonSet asks for exactly what the agent needs, and nothing the contract forbids. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

const text = await readFile(new URL('../../agent/manifests/agent.yaml', import.meta.url), 'utf8');
const [namespace, daemonSet] = parseAllDocuments(text).map((document): unknown => document.toJS());

/** The value at a path of keys, or undefined. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const pod = at(daemonSet, 'spec', 'template', 'spec');
const container = at(pod, 'containers', 0);

test('the agent lives in netpol-assert-system, labelled as managed by netpol-assert', () => {
  assert.equal(at(namespace, 'kind'), 'Namespace');
  assert.equal(at(namespace, 'metadata', 'name'), 'netpol-assert-system');
  assert.equal(at(daemonSet, 'kind'), 'DaemonSet');
  assert.equal(at(daemonSet, 'metadata', 'namespace'), 'netpol-assert-system');
  for (const labels of [
    at(namespace, 'metadata', 'labels'),
    at(daemonSet, 'metadata', 'labels'),
    at(daemonSet, 'spec', 'template', 'metadata', 'labels'),
  ]) {
    assert.equal(at(labels, 'app.kubernetes.io/managed-by'), 'netpol-assert');
    assert.equal(at(labels, 'app.kubernetes.io/name'), 'netpol-assert-agent');
  }
});

test('it sees every process of the node but holds no service-account token', () => {
  assert.equal(at(pod, 'hostPID'), true);
  assert.equal(at(pod, 'hostNetwork'), undefined);
  assert.equal(at(pod, 'automountServiceAccountToken'), false);
});

test('it runs on every node, whatever the taints', () => {
  assert.deepEqual(at(pod, 'tolerations'), [{ operator: 'Exists' }]);
});

test('it is not privileged: all capabilities dropped but netns entry and raw capture', () => {
  assert.equal(at(container, 'securityContext', 'privileged'), false);
  assert.deepEqual(at(container, 'securityContext', 'capabilities'), {
    drop: ['ALL'],
    add: ['SYS_ADMIN', 'SYS_PTRACE', 'NET_RAW'],
  });
  assert.equal(at(container, 'securityContext', 'readOnlyRootFilesystem'), true);
});

test('it idles until stopped, within resource limits', () => {
  assert.deepEqual(at(container, 'args'), ['idle']);
  for (const kind of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) {
      assert.equal(typeof at(container, 'resources', kind, resource), 'string', `${kind}.${resource}`);
    }
  }
});
