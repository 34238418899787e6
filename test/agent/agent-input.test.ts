/** `agent probe`'s stdin: the batch, then `stop ID` lines while it runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { AgentInput } from '../../agent/agent-input.js';

const BATCH = JSON.stringify({ version: 1, requests: [{ kind: 'capture', id: 'c}{"', nonce: 'n' }] });

function stopsOf(input: AgentInput): string[] {
  const stops: string[] = [];
  input.stops((id) => stops.push(id));
  return stops;
}

test('the batch ends at the newline after its object; stop lines after it come as they are written', async () => {
  const stream = new PassThrough();
  const input = new AgentInput(stream, 1_000_000);
  // Split anywhere, even inside a string holding braces and quotes.
  const text = `${BATCH}\nstop early\n`;
  stream.write(text.slice(0, 40));
  stream.write(text.slice(40));
  const batch = await input.batch();
  assert.deepEqual(batch, { ok: true, text: `${BATCH}\n` });
  const stops = stopsOf(input);
  assert.deepEqual(stops, ['early']);
  stream.write('stop c}{"\nnot a stop\nsto');
  stream.write('p later\n');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(stops, ['early', 'c}{"', 'later']);
  input.close();
  assert.equal(stream.destroyed, true);
});

test('a pretty-printed batch, or one without a newline, is read whole', async () => {
  const pretty = JSON.stringify(JSON.parse(BATCH), null, 2);
  for (const text of [pretty, `${pretty}\n`, BATCH]) {
    const input = new AgentInput(Readable.from([text]), 1_000_000);
    assert.deepEqual(await input.batch(), { ok: true, text });
  }
});

test('input that never holds an object is read to its end, for the decoder to refuse', async () => {
  const input = new AgentInput(Readable.from(['"a"\n', '42\nstop x\n']), 1_000_000);
  assert.deepEqual(await input.batch(), { ok: true, text: '"a"\n42\nstop x\n' });
});

test('a batch past the limit is refused, and nothing after it is kept', async () => {
  const input = new AgentInput(Readable.from([`${BATCH}\nstop x\n`]), 20);
  assert.deepEqual(await input.batch(), { ok: false });
  assert.deepEqual(stopsOf(input), []);
});

test('go after the batch lets a batch on hold start; without one, the end of stdin does', async () => {
  const stream = new PassThrough();
  const input = new AgentInput(stream, 1_000_000);
  let released = false;
  void input.go().then(() => (released = true));
  stream.write(`${BATCH}\ngo`);
  await input.batch();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(released, false, 'a go line counts once it ends');
  stream.write('\n');
  await input.go();
  input.close();

  const ended = new AgentInput(Readable.from([`${BATCH}\n`]), 1_000_000);
  await ended.go();
});
