/**
 * A deny counts only when the destination is shown to listen: silence from a port nobody
 * listens on is `inconclusive` with the reason (exit code 1), never a pass, while the same
 * pair on the listening port the policy blocks passes. Real traffic through the lab of
 * suites/manifests; needs root and the lab's control plane, skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Parser } from 'tap-parser';
import type { JsonAssertion, JsonReport } from '../../src/report/index.js';
import { assertionsOf, e2eSkipReason, labDown, labUp, runCli } from './e2e-support.js';
import type { CliRun } from './e2e-support.js';

const LAB = 'e2elisten';
const SUITE = 'test/fixtures/e2e/listener.yaml';
const skip = await e2eSkipReason();

describe('a deny to a port nobody listens on', { skip, timeout: 90_000 }, () => {
  let folder = '';
  let run: CliRun;
  let report: JsonReport;
  const named = (name: string): JsonAssertion => {
    const found = assertionsOf(report).find((a) => a.name === name);
    assert.ok(found, `the report has '${name}'`);
    return found;
  };

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'npa-e2e-'));
    await labUp(LAB);
    run = await runCli([SUITE, '--lab', LAB, '--json', join(folder, 'report.json')]);
    report = JSON.parse(await readFile(join(folder, 'report.json'), 'utf8')) as JsonReport;
  });

  after(async () => {
    await labDown(LAB);
    if (folder !== '') await rm(folder, { recursive: true, force: true });
  });

  test('is inconclusive, with a reason that names the missing listener, and the run exits 1', () => {
    assert.equal(run.exitCode, 1, run.stderr);
    const closed = named('a deny to a port nobody listens on is inconclusive');
    assert.equal(closed.outcome, 'inconclusive');
    assert.equal(closed.pairs.length, 1);
    const [pair] = closed.pairs;
    assert.equal(pair?.port, 81);
    assert.equal(pair?.outcome, 'inconclusive');
    assert.ok(['timeout', 'unreachable'].includes(pair?.observations[0] ?? ''), 'the probe saw silence');
    assert.match(pair?.reason ?? '', /no listener on the destination port/);
    assert.deepEqual(
      [report.summary.pass, report.summary.inconclusive, report.summary.fail],
      [1, 1, 0],
      'inconclusive is counted apart, not as a pass',
    );
  });

  test('the same pair on the listening port that the policy blocks passes (the control)', () => {
    const blocked = named('a deny to the listening port the policy blocks passes');
    assert.equal(blocked.outcome, 'pass');
    assert.equal(blocked.pairs[0]?.port, 80);
    assert.ok(['timeout', 'unreachable'].includes(blocked.pairs[0]?.observations[0] ?? ''));
  });

  test('TAP reports the inconclusive assertion as not ok', async () => {
    const points: { ok: boolean; name: string }[] = [];
    await new Promise((resolve) => {
      const parser = new Parser(resolve);
      parser.on('child', (child: Parser) =>
        child.on('assert', (point: { ok: boolean; name: string }) => points.push(point)),
      );
      parser.end(run.stdout);
    });
    assert.deepEqual(
      points.map((p) => [p.name, p.ok]),
      [
        ['a deny to a port nobody listens on is inconclusive', false],
        ['a deny to the listening port the policy blocks passes', true],
      ],
    );
  });
});
