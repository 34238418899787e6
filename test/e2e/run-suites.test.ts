/**
 * The README's main command end to end: `lab up -f suites/manifests`, then
 * `netpol-assert suites/ --lab NAME` as a user types it, with real packets from inside
 * the lab's pods. Needs root, iproute2, nftables, a C compiler and the control plane
 * (npm run setup:lab); skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { execa } from 'execa';
import type { Result as ExecaResult } from 'execa';
import { XMLParser } from 'fast-xml-parser';
import { Parser } from 'tap-parser';
import type { FinalResults, Result as TapResult } from 'tap-parser';
import type { JsonAssertion, JsonReport } from '../../src/report/index.js';
import { assertionsOf, e2eSkipReason, labDown, labUp, REPO_ROOT, runCli } from './e2e-support.js';

const LAB = 'e2efull';
const skip = await e2eSkipReason();
const reportSchema: unknown = JSON.parse(
  readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8'),
);

/** Observations that only the wire gives; the model's `allowed`/`denied` must not appear in a run. */
const WIRE_OBSERVATIONS = new Set(['connected', 'refused', 'timeout', 'unreachable', 'error', 'unsupported']);

interface TapPoints {
  readonly final: FinalResults;
  readonly points: TapResult[];
}

/** Every assertion's test point, from the one subtest per suite file. */
function parseTap(text: string): Promise<TapPoints> {
  return new Promise((resolve) => {
    const points: TapResult[] = [];
    const parser = new Parser((final) => resolve({ final, points }));
    parser.on('child', (child: Parser) => child.on('assert', (point: TapResult) => points.push(point)));
    parser.end(text);
  });
}

function suiteOf(report: JsonReport, name: string): JsonAssertion[] {
  const suite = report.suites.find((s) => s.name === name);
  assert.ok(suite, `the report has the ${name} suite`);
  return [...suite.assertions];
}

describe('the example suites against a lab that enforces policies fully', { skip, timeout: 180_000 }, () => {
  let folder = '';
  let binary: ExecaResult;
  let report: JsonReport;
  let started = 0;

  before(async () => {
    started = Date.now();
    folder = await mkdtemp(join(tmpdir(), 'npa-e2e-'));
    await labUp(LAB);
    const upMs = Date.now() - started;
    binary = await execa(
      process.execPath,
      [
        'bin/netpol-assert.js',
        'suites/',
        '--lab',
        LAB,
        '--junit',
        join(folder, 'junit.xml'),
        '--json',
        join(folder, 'report.json'),
      ],
      { cwd: REPO_ROOT, reject: false, timeout: 90_000 },
    );
    report = JSON.parse(await readFile(join(folder, 'report.json'), 'utf8')) as JsonReport;
    process.stderr.write(
      `# e2efull: lab up ${upMs} ms, the main command ${Date.now() - started - upMs} ms\n`,
    );
  });

  after(async () => {
    await labDown(LAB);
    if (folder !== '') await rm(folder, { recursive: true, force: true });
  });

  test('the main command exits 0 and prints TAP that tap-parser reads as 24 passing assertions', async () => {
    assert.equal(binary.exitCode, 0, String(binary.stderr));
    const tap = await parseTap(String(binary.stdout));
    assert.equal(tap.final.ok, true);
    assert.equal(tap.final.count, 4, 'one subtest per suite file');
    assert.equal(tap.points.length, 24);
    assert.deepEqual(
      tap.points.filter((point) => !point.ok).map((point) => point.name),
      [],
    );
  });

  test('the egress-dns suite, whose policy blocks all egress but DNS, gets every allow and deny right', () => {
    const dns = suiteOf(report, 'egress-dns');
    assert.deepEqual(
      dns.filter((a) => a.outcome !== 'pass').map((a) => a.name),
      [],
    );
    const expected = new Set(dns.map((a) => a.expect));
    assert.deepEqual([...expected].sort(), ['allow', 'deny'], 'the suite has both kinds');
    const open = dns.find((a) => a.name === 'dns is open');
    assert.ok(open);
    assert.ok(open.pairs.length >= 2, 'every shop pod is probed');
    for (const pair of open.pairs) assert.deepEqual(pair.observations, ['connected'], pair.source.display);
    for (const denied of dns.filter((a) => a.expect === 'deny')) {
      for (const pair of denied.pairs)
        assert.ok(['timeout', 'unreachable'].includes(pair.observations[0] ?? ''), `${denied.name}`);
    }
  });

  test('UDP is probed both ways: the DNS allow is answered and the metrics-port deny is dropped', () => {
    const bookstore = suiteOf(report, 'bookstore');
    const allow = bookstore.find((a) => a.protocol === 'UDP' && a.expect === 'allow');
    const deny = bookstore.find((a) => a.protocol === 'UDP' && a.expect === 'deny');
    assert.ok(allow && deny, 'bookstore.yaml has a UDP allow and a UDP deny');
    assert.equal(allow.name, 'from default/app=web to kube-system/k8s-app=kube-dns:53/udp expect allow');
    assert.equal(allow.outcome, 'pass');
    assert.ok(allow.pairs.length > 0);
    for (const pair of allow.pairs) {
      assert.equal(pair.protocol, 'UDP');
      assert.deepEqual(pair.observations, ['connected']);
    }
    assert.match(deny.name, /UDP metrics port is closed/);
    assert.equal(deny.outcome, 'pass');
    assert.ok(deny.pairs.length > 0);
    for (const pair of deny.pairs) {
      assert.equal(pair.protocol, 'UDP');
      assert.equal(pair.port, 9125);
      assert.equal(pair.observations.length, 1);
      assert.ok(['timeout', 'unreachable'].includes(pair.observations[0] ?? ''), pair.observations.join());
    }
  });

  test('the JSON report is a run against the lab whose every pair carries what the wire showed', () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(reportSchema as object);
    assert.ok(validate(report), JSON.stringify(validate.errors));
    assert.equal(report.mode, 'run');
    assert.equal(report.target, `netpol-assert-${LAB}`);
    assert.equal(report.exitCode, 0);
    assert.deepEqual([report.summary.pass, report.summary.total], [24, 24]);
    const pairs = assertionsOf(report).flatMap((a) => a.pairs.map((pair) => ({ a, pair })));
    assert.ok(pairs.length >= 24);
    for (const { a, pair } of pairs) {
      assert.equal(pair.observations.length, a.attempts, a.name);
      for (const observation of pair.observations) assert.ok(WIRE_OBSERVATIONS.has(observation), observation);
      assert.ok(pair.source.display !== '' && pair.destination.display !== '');
    }
    const seen = new Set(pairs.flatMap(({ pair }) => pair.observations));
    assert.deepEqual([...seen].sort(), ['connected', 'timeout'], 'allows connect, denies are dropped');
  });

  test('--junit FILE is written: one testsuite per suite file, one passing testcase per assertion', async () => {
    const xml = await readFile(join(folder, 'junit.xml'), 'utf8');
    const parsed = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    }).parse(xml) as {
      testsuites: {
        '@_tests': string;
        '@_failures': string;
        '@_errors': string;
        testsuite: {
          '@_name': string;
          testcase: { '@_file': string; '@_line': string; failure?: unknown }[];
        }[];
      };
    };
    const root = parsed.testsuites;
    assert.deepEqual([root['@_tests'], root['@_failures'], root['@_errors']], ['24', '0', '0']);
    assert.deepEqual(root.testsuite.map((s) => s['@_name']).sort(), [
      'bookstore',
      'egress-dns',
      'egress-outside',
      'namespaces',
    ]);
    const cases = root.testsuite.flatMap((s) => s.testcase);
    assert.equal(cases.length, 24);
    for (const testcase of cases) {
      assert.match(testcase['@_file'], /^suites\/(lab\/)?[a-z-]+\.yaml$/);
      assert.ok(Number(testcase['@_line']) > 0);
      assert.equal(testcase.failure, undefined);
    }
  });

  test('a run right after another passes, though what the first removed may still be being deleted', async () => {
    // The fixture makes the run create a namespace, a source pod and a responder; the
    // agent's namespace and that namespace are still terminating when the second starts.
    const args = ['test/fixtures/e2e/synthetic-pods.yaml', '--lab', LAB, '--reporter', 'pretty'];
    const first = await runCli(args);
    assert.equal(first.exitCode, 0, first.stdout + first.stderr);
    const second = await runCli(args);
    assert.equal(second.exitCode, 0, second.stdout + second.stderr);
    assert.match(second.stdout, /2 assertions: 2 passed/);
  });

  test('a suite generated from the example manifests (generate --live) passes as traffic, negative and ipBlock cases included', async () => {
    const generated = await runCli(['generate', '--live', '--state', 'suites/manifests']);
    assert.equal(generated.exitCode, 0, generated.stderr);
    assert.match(generated.stdout, /ipBlock|ip-block/);
    assert.match(generated.stdout, /negative/);
    const dir = await mkdtemp(join(tmpdir(), 'npa-e2e-generated-'));
    try {
      const file = join(dir, 'generated.yaml');
      await writeFile(file, generated.stdout);
      const run = await runCli([file, '--lab', LAB, '--reporter', 'pretty']);
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      const count = (generated.stdout.match(/^ {2}- name:/gm) ?? []).length;
      assert.ok(count >= 20, `${count} generated cases`);
      assert.match(run.stdout, new RegExp(`${count} assertions: ${count} passed`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('run --generate merges the generated cases into the example suites, and they all hold', async () => {
    const run = await runCli(['suites/', '--lab', LAB, '--generate']);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    const summary = /^# (\d+) passed of (\d+) assertions/m.exec(run.stdout);
    assert.ok(
      summary && Number(summary[1]) === Number(summary[2]) && Number(summary[2]) > 24,
      run.stdout.slice(-300),
    );
  });
});
