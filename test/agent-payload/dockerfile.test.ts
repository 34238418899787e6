/**
 * agent/Dockerfile copies exactly the payload `npm run build:agent` makes and compiles
 * nothing itself, so the image holds what the lab runs. Read from the file's lines
 * (there is no Docker engine here).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { payloadImageFiles } from '../../src/agent-payload/index.js';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's instructions, with continuation lines joined and comments dropped. */
async function instructions(): Promise<Instruction[]> {
  const text = await readFile(new URL('../../agent/Dockerfile', import.meta.url), 'utf8');
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

test("the image's COPY sources are exactly the payload's files, from the build context", async () => {
  const copies = (await instructions()).filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
  assert.equal(copies.length, 2);
  for (const copy of copies) assert.equal(copy.keyword, 'COPY', 'no ADD');
  const sources = copies.map((copy) => {
    const words = copy.args.split(/\s+/);
    assert.ok(!words.some((word) => word.startsWith('--from')), `${copy.args}: not from another stage`);
    return words.slice(0, -1);
  });
  assert.deepEqual(sources.flat().sort(), [...payloadImageFiles()].sort());
});

test('the image is one stage on node:20-alpine that installs and builds nothing: netpol-probe enters namespaces itself', async () => {
  const all = await instructions();
  const stages = all.filter((i) => i.keyword === 'FROM');
  assert.deepEqual(
    stages.map((stage) => stage.args),
    ['node:20-alpine'],
  );
  const runs = all.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  for (const run of runs)
    assert.doesNotMatch(run, /\b(apk|apt-get|npm|npx|esbuild|cc|gcc|musl-gcc|tsc|nsenter)\b/, run);
});

test('the probe helper is named by NETPOL_PROBE and the agent is the entrypoint, idle by default', async () => {
  const all = await instructions();
  const value = (keyword: string) => all.filter((i) => i.keyword === keyword).map((i) => i.args);
  assert.deepEqual(value('ENV'), ['NETPOL_PROBE=/usr/local/bin/netpol-probe']);
  assert.ok(
    all.some(
      (i) => i.keyword === 'COPY' && i.args === 'build/agent/netpol-probe /usr/local/bin/netpol-probe',
    ),
  );
  assert.deepEqual(value('ENTRYPOINT'), ['["netpol-assert-agent"]']);
  assert.deepEqual(value('CMD'), ['["idle"]']);
  assert.deepEqual(value('USER'), ['0']);
});
