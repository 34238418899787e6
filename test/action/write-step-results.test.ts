import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ACTION_OUTPUT_NAMES, writeStepResults } from '../../src/action/index.js';
import { renderJson } from '../../src/report/index.js';
import { passingRun, sampleRun } from '../report/fixtures.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/action-report.mjs', import.meta.url));

/** A scratch folder standing in for $RUNNER_TEMP, with empty GITHUB_OUTPUT and summary files. */
interface StepFolder {
  readonly dir: string;
  readonly report: string;
  readonly env: { readonly GITHUB_OUTPUT: string; readonly GITHUB_STEP_SUMMARY: string } & Record<
    string,
    string
  >;
}

async function stepFolder(): Promise<StepFolder> {
  const dir = await mkdtemp(join(tmpdir(), 'netpol-assert-action-'));
  const env = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: '0123abc',
  };
  await writeFile(env.GITHUB_OUTPUT, '');
  await writeFile(env.GITHUB_STEP_SUMMARY, '');
  return { dir, env, report: join(dir, 'report.json') };
}

/** $GITHUB_OUTPUT's `name=value` lines as a map. */
async function outputsOf(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

test('the outputs carry the exit code and the counts of the report', async (t) => {
  const { dir, env, report } = await stepFolder();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(report, renderJson(sampleRun()));
  const results = await writeStepResults({ reportFile: report, exitCode: 1, env });
  assert.equal(results.problem, undefined);
  const outputs = await outputsOf(env.GITHUB_OUTPUT);
  assert.deepEqual(Object.keys(outputs), [...ACTION_OUTPUT_NAMES]);
  assert.deepEqual(outputs, {
    'exit-code': '1',
    passed: '2',
    failed: '1',
    flaky: '1',
    inconclusive: '1',
    skipped: '1',
    total: '6',
  });
  const summary = await readFile(env.GITHUB_STEP_SUMMARY, 'utf8');
  assert.match(summary, /^## netpol-assert: ❌ 2 passed, 1 failed/m);
  assert.match(summary, /\(https:\/\/github\.com\/acme\/shop\/blob\/0123abc\/suites\/shop\.yaml#L9\)/);
});

test('the summary is appended, so earlier steps keep theirs', async (t) => {
  const { dir, env, report } = await stepFolder();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(env.GITHUB_STEP_SUMMARY, '# earlier\n');
  await writeFile(report, renderJson(passingRun()));
  await writeStepResults({ reportFile: report, exitCode: 0, env });
  const summary = await readFile(env.GITHUB_STEP_SUMMARY, 'utf8');
  assert.match(summary, /^# earlier\n## netpol-assert: ✅ every assertion held/);
});

test('without a report the counts are empty, not zero, and the summary says why', async (t) => {
  const { dir, env, report } = await stepFolder();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const results = await writeStepResults({ reportFile: report, exitCode: 3, env });
  assert.equal(results.report, undefined);
  assert.deepEqual(await outputsOf(env.GITHUB_OUTPUT), {
    'exit-code': '3',
    passed: '',
    failed: '',
    flaky: '',
    inconclusive: '',
    skipped: '',
    total: '',
  });
  assert.match(await readFile(env.GITHUB_STEP_SUMMARY, 'utf8'), /no report \(exit code 3\)/);
});

test('a file that is not a report is named as a problem and its counts are not trusted', async (t) => {
  const { dir, env, report } = await stepFolder();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(report, JSON.stringify({ tool: 'something else', summary: { fail: 0 } }));
  const results = await writeStepResults({ reportFile: report, exitCode: 0, env });
  assert.match(
    results.problem ?? '',
    /not a netpol-assert report: .*must have required property 'reportVersion'/,
  );
  assert.equal((await outputsOf(env.GITHUB_OUTPUT)).failed, '');
});

test('the script the action runs writes the outputs and exits 0 whatever the run did', async (t) => {
  const { dir, env, report } = await stepFolder();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(report, renderJson(sampleRun()));
  const ran = await execa('node', [SCRIPT, '--report', report, '--exit-code', '1'], {
    env,
    reject: false,
  });
  assert.equal(ran.exitCode, 0, ran.stderr);
  assert.equal((await outputsOf(env.GITHUB_OUTPUT))['exit-code'], '1');
  await writeFile(report, 'not json');
  const broken = await execa('node', [SCRIPT, '--report', report, '--exit-code', '0'], {
    env,
    reject: false,
  });
  assert.equal(broken.exitCode, 0, broken.stderr);
  assert.match(broken.stdout, /^::warning title=netpol-assert::.*report\.json: not JSON/m);
  const usage = await execa('node', [SCRIPT, '--report', report], { env, reject: false });
  assert.equal(usage.exitCode, 2);
});
