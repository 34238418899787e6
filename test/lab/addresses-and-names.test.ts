/**
 * The data plane's own address parsing and naming (no root needed): what may reach a
 * command line, which addresses the lab may use, and lab prefixes that cannot collide.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddressPool,
  blockContains,
  canonicalAddress,
  formatBlock,
  isDocumentationAddress,
  parseAddress,
  parseBlock,
} from '../../src/lab/addresses/index.js';
import type { Address, Block } from '../../src/lab/addresses/index.js';
import { LabNames, labNameProblem, labOfName } from '../../src/lab/names/index.js';
import { checkNetns } from '../../src/lab/host/index.js';

function address(text: string): Address {
  const parsed = parseAddress(text);
  assert.ok(parsed, text);
  return parsed;
}

function block(text: string): Block {
  const parsed = parseBlock(text);
  assert.ok(parsed, text);
  return parsed;
}

test('addresses come out canonical, IPv6 compressed as RFC 5952 says', () => {
  assert.equal(canonicalAddress('198.18.0.7'), '198.18.0.7');
  assert.equal(canonicalAddress('2001:0db8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(canonicalAddress('2001:db8:0:1:0:0:0:0'), '2001:db8:0:1::');
  assert.equal(canonicalAddress('::'), '::');
});

test('anything that is not exactly an address is refused', () => {
  for (const bad of [
    '198.18.0',
    '198.18.0.256',
    '01.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4;x',
    '2001:db8::1::2',
    'fe80::1%eth0',
    '',
  ]) {
    assert.equal(parseAddress(bad), undefined, bad);
  }
});

test('a block with host bits is refused unless asked for, then masked', () => {
  assert.equal(parseBlock('198.18.0.1/16'), undefined);
  const masked = parseBlock('198.18.0.1/16', { allowHostBits: true });
  assert.ok(masked);
  assert.equal(formatBlock(masked), '198.18.0.0/16');
  assert.ok(blockContains(masked, address('198.18.255.255')));
  assert.equal(blockContains(masked, address('198.19.0.1')), false);
  assert.equal(parseBlock('198.18.0.0/33'), undefined);
});

test('outside hosts may only have documentation addresses', () => {
  const doc = (text: string) => isDocumentationAddress(address(text));
  assert.deepEqual(
    ['192.0.2.1', '198.51.100.7', '203.0.113.255', '2001:db8::5', '8.8.8.8', '198.18.0.1', '2001:db9::1'].map(
      doc,
    ),
    [true, true, true, true, false, false, false],
  );
});

test('pod addresses are handed out round-robin, never the range ends, and pins are checked', () => {
  const pool = new AddressPool(block('198.18.0.0/30'));
  assert.equal(pool.allocate('a'), '198.18.0.1');
  assert.equal(pool.allocate('b'), '198.18.0.2');
  assert.throws(() => pool.allocate('c'), /full/);
  pool.release('198.18.0.1');
  assert.equal(pool.allocate('c'), '198.18.0.1');
  assert.match(String(pool.pinProblem('198.18.0.2')), /taken by b/);
  assert.match(String(pool.pinProblem('198.18.0.3')), /not a usable address/);
  assert.match(String(pool.pinProblem('10.0.0.1')), /not a usable address/);
});

test('lab names are lowercase letters and digits, so one lab prefix never covers another lab', () => {
  assert.equal(labNameProblem('lab1'), undefined);
  for (const bad of ['a-p', 'Lab', '', 'x'.repeat(13), 'a_b']) assert.ok(labNameProblem(bad), bad);
  const a = new LabNames('a');
  assert.equal(a.owns(new LabNames('ap').nodeNetns(0)), false);
  assert.equal(a.nodeNetns(0), 'npa-a-n0');
  assert.equal(labOfName('npa-ap-p-0123456789a'), 'ap');
  assert.equal(labOfName('npa-ap'), 'ap');
});

test('pod links fit the 15-character interface limit and keep Calico prefix', () => {
  const names = new LabNames('lab');
  const link = names.podHostLink('shop/web/5b0c7a52-0001');
  assert.match(link, /^cali[0-9a-f]{11}$/);
  assert.match(names.podNetns('shop/web/5b0c7a52-0001'), /^npa-lab-p-[0-9a-f]{11}$/);
  assert.throws(() => names.outsideNetns('Bad Name'), /DNS label/);
});

test('namespace helpers refuse every name without the lab prefix', () => {
  assert.equal(checkNetns('npa-lab-n0'), 'npa-lab-n0');
  for (const bad of ['default', 'npa-', 'npa-lab', 'cni-1234', 'npa-lab-n0; rm', '../npa-lab-n0']) {
    assert.throws(() => checkNetns(bad), /not a lab namespace/, bad);
  }
});
