import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateStableAddresses, NODE_POOL, POD_POOL } from '../../src/manifests/index.js';
import type { Allocation } from '../../src/manifests/index.js';
import { formatIpv4, parseIpv4 } from '../../src/shared/index.js';

function ipv4ToNumber(address: string): number {
  const word = parseIpv4(address);
  assert.ok(word !== undefined, address);
  return word;
}

function addresses(allocation: Allocation): ReadonlyMap<string, string> {
  assert.equal(allocation.kind, 'allocated');
  return allocation.kind === 'allocated' ? allocation.addresses : new Map();
}

const KEYS = Array.from({ length: 200 }, (_, i) => `shop/pod-${i}`);

test('the pools split 198.18.0.0/15: nodes in 198.19.255.0/24, pods below it', () => {
  assert.equal(formatIpv4(POD_POOL.first), '198.18.0.0');
  assert.equal(formatIpv4(POD_POOL.last), '198.19.254.255');
  assert.equal(formatIpv4(NODE_POOL.first), '198.19.255.0');
  assert.equal(formatIpv4(NODE_POOL.last), '198.19.255.255');
  assert.equal(ipv4ToNumber('198.19.255.1'), NODE_POOL.first + 1);
});

test('the same keys get the same addresses in any order', () => {
  const forward = addresses(allocateStableAddresses(KEYS, POD_POOL, new Set()));
  const backward = addresses(allocateStableAddresses([...KEYS].reverse(), POD_POOL, new Set()));
  assert.deepEqual([...backward].sort(), [...forward].sort());
  assert.equal(new Set(forward.values()).size, KEYS.length);
});

test('taken addresses are never handed out, and no address ends in .0 or .255', () => {
  // A pool of one /24 with all but two host addresses taken leaves exactly those two.
  const pool = { first: ipv4ToNumber('198.18.5.0'), last: ipv4ToNumber('198.18.5.255') };
  const taken = new Set(Array.from({ length: 252 }, (_, i) => `198.18.5.${i + 3}`));
  const given = addresses(allocateStableAddresses(['a', 'b'], pool, taken));
  assert.deepEqual([...given.values()].sort(), ['198.18.5.1', '198.18.5.2']);
});

test('a full pool reports the first key left without an address', () => {
  const pool = { first: ipv4ToNumber('198.18.5.0'), last: ipv4ToNumber('198.18.5.3') };
  assert.deepEqual(allocateStableAddresses(['c', 'a', 'b', 'd'], pool, new Set()), {
    kind: 'exhausted',
    key: 'd',
  });
});

test('IPv6 taken addresses are ignored rather than misread', () => {
  const given = addresses(allocateStableAddresses(['a'], NODE_POOL, new Set(['fd00::1'])));
  assert.match(given.get('a') ?? '', /^198\.19\.255\./);
});
