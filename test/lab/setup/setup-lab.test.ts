/** What `npm run setup:lab` checks before it changes anything, and the packages it installs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isInstalled, LAB_PACKAGES, missingPackages, setupLab } from '../../../src/lab/setup/index.js';

test('without root it changes nothing, says why and that offline use needs no set-up, and exits 3', async () => {
  const said: string[] = [];
  const exit = await setupLab({
    baseUrl: 'http://127.0.0.1:9/unused',
    env: { NETPOL_ASSERT_CACHE: '/nonexistent/netpol-assert-cache' },
    repositoryRoot: fileURLToPath(new URL('../../../', import.meta.url)),
    isRoot: false,
    say: (line) => said.push(line),
  });
  assert.equal(exit, 3);
  assert.equal(said.length, 1);
  assert.match(said[0] ?? '', /needs root: it installs Debian packages/);
  assert.match(said[0] ?? '', /sudo npm run setup:lab/);
  assert.match(said[0] ?? '', /Offline use needs none of this/);
});

test('the package list covers every program the lab and the tests run', () => {
  const names = LAB_PACKAGES.map((pkg) => pkg.name);
  for (const needed of [
    'nftables',
    'iproute2',
    'gcc',
    'libc6-dev',
    'musl-tools',
    'openssl',
    'etcd-server',
    'xz-utils',
    'util-linux',
    'procps',
    'ca-certificates',
    'dnsmasq-base',
  ]) {
    assert.ok(names.includes(needed), needed);
  }
  assert.equal(new Set(names).size, names.length, 'no package twice');
});

test('dpkg tells installed packages from unknown ones', { skip: process.platform !== 'linux' }, async (t) => {
  if (!(await isInstalled('dpkg'))) return t.skip('no dpkg here (not Debian)');
  assert.deepEqual(await missingPackages(['dpkg', 'netpol-assert-no-such-package']), [
    'netpol-assert-no-such-package',
  ]);
});
