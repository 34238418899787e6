import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgv, portValues } from '../../agent/index.js';

const spec = { values: ['tcp', 'udp', 'proc-root'], flags: ['verbose'] };

test('options take a value after a space or an equals sign, and repeat', () => {
  const parsed = parseArgv(['--tcp', '80', '--tcp=81,82', '--proc-root=/host/proc', '--verbose'], spec);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.argv.values.get('tcp'), ['80', '81,82']);
  assert.deepEqual(portValues(parsed.argv, 'tcp'), { ports: [80, 81, 82] });
  assert.deepEqual([...parsed.argv.flags], ['verbose']);
});

test('an unknown option, a stray word or a missing value is a usage problem', () => {
  assert.deepEqual(parseArgv(['--sctp', '1'], spec), { ok: false, problem: 'unknown option --sctp' });
  assert.deepEqual(parseArgv(['80'], spec), { ok: false, problem: "unexpected argument '80'" });
  assert.deepEqual(parseArgv(['--udp'], spec), { ok: false, problem: '--udp needs a value' });
});

test('a word that is not a port is named', () => {
  const parsed = parseArgv(['--udp', '53,70000'], spec);
  assert.ok(parsed.ok);
  assert.deepEqual(portValues(parsed.argv, 'udp'), { ports: [53], bad: '70000' });
});
