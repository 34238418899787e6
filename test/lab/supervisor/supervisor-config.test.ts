/** What `lab up` hands the supervisor is checked on arrival. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labNodeNames, parseSupervisorConfig } from '../../../src/lab/supervisor/index.js';

test('nodes are named lab-node-0 to lab-node-N-1', () => {
  assert.deepEqual(labNodeNames(3), ['lab-node-0', 'lab-node-1', 'lab-node-2']);
});

test('a config round-trips through JSON; a bad node count or missing field is refused', () => {
  const config = { lab: 'ci', nodes: 2, cni: 'full', stateRoot: '/run/netpol-assert', k8sBin: '/opt/k8s' };
  assert.deepEqual(parseSupervisorConfig(JSON.stringify(config)), config);
  assert.throws(() => parseSupervisorConfig(JSON.stringify({ ...config, nodes: 0 })), /nodes must be/);
  assert.throws(() => parseSupervisorConfig(JSON.stringify({ nodes: 1 })), /needs lab, cni and stateRoot/);
});
