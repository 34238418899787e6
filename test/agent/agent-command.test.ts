/** The agent's command line, short of probing (see probe.test.ts for that). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT, runAgent } from '../../agent/index.js';
import { AGENT_BIN } from './netns-fixture.js';

/** Runs a command in-process; what it wrote, and its exit status. */
async function agent(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const status = await runAgent(args, {
    stdin: Readable.from([stdin]),
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
  });
  return { status, stdout, stderr };
}

test('version prints the agent and protocol versions as JSON', async () => {
  const { status, stdout } = await agent(['version']);
  assert.equal(status, EXIT.ok);
  assert.deepEqual(JSON.parse(stdout), { name: 'netpol-assert-agent', version: '0.1.0', protocol: 1 });
});

test('an unknown command or option is a usage error that shows the usage', async () => {
  const unknown = await agent(['scan']);
  assert.equal(unknown.status, EXIT.usage);
  assert.match(unknown.stderr, /^unknown command 'scan'\nusage: netpol-assert-agent probe/);
  const option = await agent(['probe', '--timeout', '5']);
  assert.equal(option.status, EXIT.usage);
  assert.match(option.stderr, /^unknown option --timeout\n/);
});

test('a batch that cannot be read bails out in TAP with every problem', async () => {
  const { status, stdout } = await agent(['probe'], '{"version":1,"requests":[{"kind":"ping","id":"x"}]}');
  assert.equal(status, EXIT.usage);
  assert.equal(
    stdout,
    'TAP version 14\nBail out! bad batch: requests[0]: kind: want probe or capture, got "ping"\n',
  );
});

test('respond refuses SCTP, which Node.js cannot serve, and needs a port', async () => {
  const sctp = await agent(['respond', '--sctp', '9']);
  assert.equal(sctp.status, EXIT.usage);
  assert.match(sctp.stderr, /SCTP is not available in Node\.js/);
  const none = await agent(['respond']);
  assert.equal(none.status, EXIT.usage);
  assert.match(none.stderr, /give at least one --tcp or --udp port/);
  const bad = await agent(['respond', '--tcp', '80,x']);
  assert.match(bad.stderr, /'x' is not a port/);
});

test('idle keeps running until SIGTERM, then exits cleanly', async () => {
  const idle = execa(process.execPath, [AGENT_BIN, 'idle'], { reject: false, timeout: 30_000 });
  const first = await new Promise<string>((resolve) =>
    createInterface({ input: idle.stdout }).once('line', resolve),
  );
  assert.equal(first, 'idle: waiting for SIGTERM');
  await sleep(300);
  assert.equal(idle.exitCode, null, 'still running');
  idle.kill('SIGTERM');
  const result = await idle;
  assert.equal(result.exitCode, 0);
});
