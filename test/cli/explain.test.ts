import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './run-cli.js';

const STATE = ['--state', 'suites/manifests'];

test('explain names the rule that admits a combined namespace+pod peer, on the named port', async () => {
  const run = await runCli(['explain', 'from operations/type=monitoring to default/app=web:http', ...STATE]);
  assert.equal(run.exitCode, 0);
  assert.match(run.stdout, /port 80\/TCP: ALLOWED/);
  assert.match(
    run.stdout,
    /allowed by default\/web-allow-monitoring ingress\[1\]: from\[0\] \(pods type=monitoring in namespaces team=operations\), ports\[0\] \(http\/TCP\)/,
  );
});

test('explain with an expectation the policies contradict exits 1 and says so', async () => {
  const run = await runCli(['explain', 'from shop/app=checkout to 203.0.113.200:443 expect allow', ...STATE]);
  assert.equal(run.exitCode, 1);
  assert.match(run.stdout, /DENIED \(expected allow\)/);
  assert.match(run.stdout, /isolated by shop\/egress-lockdown/);
});

test('explain points at the bad character of its argument', async () => {
  const run = await runCli(['explain', 'from shop/app=checkout to default/app=web:70000', ...STATE]);
  assert.equal(run.exitCode, 2);
  assert.match(run.stderr, /<command line>:1:43: error BAD_PORT: port 70000 is out of range/);
  // The argument under a gutter, as suite lines are shown, with the caret under the 7.
  assert.ok(
    run.stderr.endsWith(
      `\n  1 | from shop/app=checkout to default/app=web:70000\n    | ${' '.repeat(42)}^\n`,
    ),
    run.stderr,
  );
});

test('an assertion that cannot be probed prints its plan problem in the one format, under the argument', async () => {
  const run = await runCli(['explain', 'from pod:shop/nobody to default/app=web:http', ...STATE]);
  assert.equal(run.exitCode, 1);
  assert.equal(
    run.stdout,
    '<command line>:1:1: error POD_NOT_FOUND: pod shop/nobody not found\n' +
      '  1 | from pod:shop/nobody to default/app=web:http\n' +
      '    | ^\n',
  );
});
