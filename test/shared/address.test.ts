import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cidr, IpAddress } from '../../src/shared/index.js';
import {
  cidrContains,
  cidrWithin,
  formatCidr,
  isIpAddress,
  normalizeIp,
  parseCidr,
  parseIp,
} from '../../src/shared/index.js';

const cidr = (text: string): Cidr => {
  const result = parseCidr(text);
  if (!result.ok) throw new Error(result.message);
  return result.cidr;
};
const ip = (text: string): IpAddress => {
  const address = parseIp(text);
  if (address === undefined) throw new Error(`${text} is not an address`);
  return address;
};

test('IPv4 addresses are dotted decimal without leading zeros, as Go parses them', () => {
  assert.equal(isIpAddress('10.0.0.1'), true);
  assert.equal(isIpAddress('255.255.255.255'), true);
  assert.equal(isIpAddress('010.0.0.1'), false);
  assert.equal(isIpAddress('10.0.0.256'), false);
  assert.equal(isIpAddress('10.0.0'), false);
  assert.equal(isIpAddress('10.0.0.1/32'), false);
});

test('IPv6 addresses normalise to the compressed lowercase form of RFC 5952', () => {
  assert.equal(normalizeIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(normalizeIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(normalizeIp('0:0:0:0:0:0:0:0'), '::');
  assert.equal(normalizeIp('fd00:0:0:1::'), 'fd00:0:0:1::');
  assert.equal(normalizeIp('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
  assert.equal(normalizeIp('::ffff:0a00:0001'), '::ffff:10.0.0.1');
});

test('malformed IPv6 text and zone indices are not addresses', () => {
  for (const text of [
    '1::2::3',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    'fe80::1%eth0',
    '12345::',
    ':1:2:3:4:5:6:7',
    '::1.2.3',
  ]) {
    assert.equal(isIpAddress(text), false, text);
  }
  assert.equal(isIpAddress('::1.2.3.4'), true);
});

test('an IPv4-mapped IPv6 address stays IPv6: no IPv4 block contains it', () => {
  const mapped = ip('::ffff:10.0.0.1');
  assert.equal(mapped.family, 6);
  assert.equal(cidrContains(cidr('10.0.0.0/8'), mapped), false);
  assert.equal(cidrContains(cidr('::ffff:0:0/96'), mapped), true);
});

test('a CIDR with host bits set keeps its network, as net.ParseCIDR does', () => {
  assert.equal(formatCidr(cidr('10.1.2.3/8')), '10.0.0.0/8');
  assert.equal(formatCidr(cidr('2001:db8::1/32')), '2001:db8::/32');
});

test('a CIDR needs an address, a slash and a prefix within the family', () => {
  for (const text of [
    '10.0.0.0',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/08',
    'fd00::/129',
    'x/8',
    '10.0.0.0/-1',
  ]) {
    assert.equal(parseCidr(text).ok, false, text);
  }
  const result = parseCidr('10.0.0.0');
  assert.equal(!result.ok && result.message, '"10.0.0.0" is not a CIDR: expected ADDRESS/PREFIX');
});

test('IPv4 containment follows the prefix, /0 holds every IPv4 address and /32 just one', () => {
  assert.equal(cidrContains(cidr('10.0.0.0/24'), ip('10.0.0.255')), true);
  assert.equal(cidrContains(cidr('10.0.0.0/24'), ip('10.0.1.0')), false);
  assert.equal(cidrContains(cidr('0.0.0.0/0'), ip('255.255.255.255')), true);
  assert.equal(cidrContains(cidr('192.168.1.7/32'), ip('192.168.1.7')), true);
  assert.equal(cidrContains(cidr('192.168.1.7/32'), ip('192.168.1.8')), false);
  assert.equal(cidrContains(cidr('128.0.0.0/1'), ip('200.1.1.1')), true);
});

test('IPv6 containment compares every word of the prefix', () => {
  assert.equal(cidrContains(cidr('2001:db8::/32'), ip('2001:db8:ffff::1')), true);
  assert.equal(cidrContains(cidr('2001:db8::/32'), ip('2001:db9::1')), false);
  assert.equal(cidrContains(cidr('fd00::1:0/112'), ip('fd00::1:ffff')), true);
  assert.equal(cidrContains(cidr('fd00::1:0/112'), ip('fd00::2:0')), false);
  assert.equal(cidrContains(cidr('::/0'), ip('ffff::')), true);
  assert.equal(cidrContains(cidr('fd00::1/128'), ip('fd00::1')), true);
});

test('a block never contains an address of the other family', () => {
  assert.equal(cidrContains(cidr('0.0.0.0/0'), ip('::1')), false);
  assert.equal(cidrContains(cidr('::/0'), ip('10.0.0.1')), false);
});

test('cidrWithin holds for equal or narrower blocks of the same family', () => {
  assert.equal(cidrWithin(cidr('10.1.0.0/16'), cidr('10.0.0.0/8')), true);
  assert.equal(cidrWithin(cidr('10.0.0.0/8'), cidr('10.0.0.0/8')), true);
  assert.equal(cidrWithin(cidr('10.0.0.0/7'), cidr('10.0.0.0/8')), false);
  assert.equal(cidrWithin(cidr('11.0.0.0/16'), cidr('10.0.0.0/8')), false);
  assert.equal(cidrWithin(cidr('fd00::/64'), cidr('10.0.0.0/8')), false);
});
