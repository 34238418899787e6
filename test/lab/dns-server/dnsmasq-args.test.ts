/** dnsmasq's command line for a lab DNS pod: local answers only, never forwarding. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLUSTER_DOMAIN_ANSWER, dnsmasqArgs } from '../../../src/lab/dns-server/index.js';

test('dnsmasq binds the pod address on port 53 and answers cluster.local with the kubernetes Service', () => {
  const args = dnsmasqArgs({ listen: '198.18.0.7' });
  assert.equal(CLUSTER_DOMAIN_ANSWER, '198.19.128.1');
  assert.ok(args.includes('--listen-address=198.18.0.7'));
  assert.ok(args.includes('--bind-interfaces'));
  assert.ok(args.includes('--port=53'));
  assert.ok(args.includes('--address=/cluster.local/198.19.128.1'));
});

test('it never forwards: no resolv.conf, hosts file, configuration file or upstream server', () => {
  const args = dnsmasqArgs({ listen: '198.18.0.7', answer: '198.19.128.10', port: 5353 });
  for (const flag of ['--no-resolv', '--no-hosts', '--no-poll', '--conf-file=/dev/null']) {
    assert.ok(args.includes(flag), flag);
  }
  assert.deepEqual(
    args.filter((arg) => /^--(server|local|rev-server|resolv-file|servers-file)\b/.test(arg) || arg === '-S'),
    [],
  );
  // One process in the foreground (no fork per TCP query), no pid file shared between pods.
  assert.ok(args.includes('--no-daemon'));
  assert.ok(args.includes('--pid-file='));
  assert.ok(args.includes('--port=5353'));
  assert.ok(args.includes('--address=/cluster.local/198.19.128.10'));
});

test('only an IPv4 address, an IPv4 answer and a port number reach the command line', () => {
  assert.throws(() => dnsmasqArgs({ listen: '198.18.0.7 --server=8.8.8.8' }), /IPv4 address/);
  assert.throws(() => dnsmasqArgs({ listen: '198.18.0.7', answer: 'example.com' }), /IPv4 answer/);
  assert.throws(() => dnsmasqArgs({ listen: '198.18.0.7', port: 0 }), /bad port/);
});
