/**
 * The shell step of action.yml, run with bash as the runner runs it
 * (`bash --noprofile --norc -eo pipefail`), with its inputs put into its environment as
 * GitHub does. The CLI is a stand-in that records its arguments and plays back a report
 * and an exit code, except in the last test, which runs the real one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse } from 'yaml';
import { renderJson } from '../../src/report/index.js';
import { sampleRun } from '../report/fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface ActionStep {
  readonly id?: string;
  readonly run?: string;
  readonly env?: Readonly<Record<string, string>>;
}
interface ActionFile {
  readonly inputs: Readonly<Record<string, { readonly default?: string }>>;
  readonly runs: { readonly steps: readonly ActionStep[] };
}

const ACTION = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionFile;
const STEP = ACTION.runs.steps.find((step) => step.id === 'run');

/** The step's `env:`, each `${{ inputs.NAME }}` replaced by the input given or its default. */
function stepEnvironment(inputs: Readonly<Record<string, string>>): Record<string, string> {
  assert.ok(STEP?.env);
  return Object.fromEntries(
    Object.entries(STEP.env).map(([name, value]) => {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(value)?.[1];
      assert.ok(input !== undefined, `${name}: ${value} is not one input`);
      return [name, inputs[input] ?? ACTION.inputs[input]?.default ?? ''];
    }),
  );
}

/** Records its arguments, writes the report it is given to --json, exits as told. */
const FAKE_CLI = `
import { appendFileSync, copyFileSync } from 'node:fs';
const args = process.argv.slice(2);
appendFileSync(process.env.FAKE_LOG, JSON.stringify(args) + '\\n');
const json = args[args.indexOf('--json') + 1];
if (process.env.FAKE_REPORT) copyFileSync(process.env.FAKE_REPORT, json);
process.exitCode = Number(process.env.FAKE_EXIT);
`;

interface StepRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  /** Each invocation of the CLI, as its argument list. */
  readonly calls: string[][];
  readonly cwd: string;
}

async function runStep(
  t: { after(fn: () => Promise<void>): void },
  inputs: Readonly<Record<string, string>>,
  cli: { exit: number; report?: string } | 'real',
): Promise<StepRun> {
  const dir = await mkdtemp(join(tmpdir(), 'netpol-assert-step-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [temp, workspace, actionPath] = ['temp', 'workspace', 'action'].map((name) => join(dir, name));
  for (const folder of [temp, workspace, join(actionPath ?? '', 'bin')])
    await mkdir(folder ?? '', { recursive: true });
  assert.ok(temp && workspace && actionPath);
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary.md'),
    log: join(dir, 'calls'),
    script: join(dir, 'step.sh'),
  };
  await Promise.all([writeFile(files.output, ''), writeFile(files.summary, ''), writeFile(files.log, '')]);
  await writeFile(files.script, STEP?.run ?? '');
  await symlink(join(ROOT, 'scripts'), join(actionPath, 'scripts'));
  await writeFile(join(actionPath, 'bin', 'netpol-assert.js'), FAKE_CLI);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    RUNNER_TEMP: temp,
    GITHUB_ACTION_PATH: cli === 'real' ? ROOT : actionPath,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    FAKE_LOG: files.log,
    FAKE_EXIT: cli === 'real' ? '' : String(cli.exit),
    FAKE_REPORT: cli !== 'real' && cli.report !== undefined ? cli.report : '',
    ...stepEnvironment(inputs),
  };
  const ran = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', files.script], {
    cwd: workspace,
    env,
    extendEnv: false,
    reject: false,
  });
  const lines = (text: string) => text.split('\n').filter((line) => line !== '');
  return {
    exitCode: ran.exitCode ?? -1,
    stdout: `${ran.stdout}\n${ran.stderr}`,
    outputs: Object.fromEntries(
      lines(await readFile(files.output, 'utf8')).map((line) => line.split(/=(.*)/s).slice(0, 2)),
    ),
    summary: await readFile(files.summary, 'utf8'),
    calls: lines(await readFile(files.log, 'utf8')).map((line) => JSON.parse(line) as string[]),
    cwd: workspace,
  };
}

async function reportFile(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'netpol-assert-report-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'report.json');
  await writeFile(file, renderJson(sampleRun()));
  return file;
}

test('the inputs become the arguments of `netpol-assert run`, github reporter first', async (t) => {
  const step = await runStep(
    t,
    {
      paths: 'suites/a.yaml\n  suites/more',
      reporters: 'pretty, tap',
      junit: 'reports/junit.xml',
      image: 'netpol-assert-agent:ci',
      kubeconfig: '/etc/kube/config',
      context: 'kind-netpol',
      settle: '5',
      generate: 'true',
      args: '--ready-timeout 300 --strict',
    },
    { exit: 0 },
  );
  assert.equal(step.calls.length, 1);
  const call = step.calls[0] ?? [];
  const json = call[call.indexOf('--json') + 1] ?? '';
  assert.deepEqual(call, [
    'run',
    'suites/a.yaml',
    'suites/more',
    '--reporter',
    'github',
    '--reporter',
    'pretty',
    '--reporter',
    'tap',
    '--json',
    json,
    '--settle',
    '5',
    '--junit',
    'reports/junit.xml',
    '--image',
    'netpol-assert-agent:ci',
    '--kubeconfig',
    '/etc/kube/config',
    '--context',
    'kind-netpol',
    '--generate',
    '--ready-timeout',
    '300',
    '--strict',
  ]);
  assert.match(json, /\/temp\/netpol-assert\.\w+\/report\.json$/);
});

test('the defaults run suites/ with the github reporter only', async (t) => {
  const step = await runStep(t, {}, { exit: 0 });
  const call = step.calls[0] ?? [];
  assert.deepEqual(call.slice(0, 4), ['run', 'suites/', '--reporter', 'github']);
  assert.deepEqual(call.slice(6), ['--settle', '0']);
});

test('failed assertions: outputs and summary are written, then the step fails with exit code 1', async (t) => {
  const step = await runStep(t, {}, { exit: 1, report: await reportFile(t) });
  assert.equal(step.exitCode, 1);
  assert.deepEqual(step.outputs, {
    'exit-code': '1',
    passed: '2',
    failed: '1',
    flaky: '1',
    inconclusive: '1',
    skipped: '1',
    total: '6',
  });
  assert.match(
    step.summary,
    /^\| \*\*fail\*\* \| db is closed to the shop \| `suites\/shop\.yaml:9` \| deny \|/m,
  );
});

test('with fail-on-assertions false the step passes, and the exit code stays in the outputs', async (t) => {
  const step = await runStep(t, { 'fail-on-assertions': 'false' }, { exit: 1, report: await reportFile(t) });
  assert.equal(step.exitCode, 0);
  assert.equal(step.outputs['exit-code'], '1');
  assert.match(step.stdout, /^::notice title=netpol-assert::assertions did not hold/m);
});

test('fail-on-assertions false does not hide a run that could not happen', async (t) => {
  const step = await runStep(t, { 'fail-on-assertions': 'false' }, { exit: 3 });
  assert.equal(step.exitCode, 3);
  assert.deepEqual(step.outputs, {
    'exit-code': '3',
    passed: '',
    failed: '',
    flaky: '',
    inconclusive: '',
    skipped: '',
    total: '',
  });
  assert.match(step.summary, /no report \(exit code 3\)/);
});

test('a bad boolean input is exit code 2 with an error, and the CLI never starts', async (t) => {
  const step = await runStep(t, { generate: 'yes' }, { exit: 0 });
  assert.equal(step.exitCode, 2);
  assert.equal(step.calls.length, 0);
  assert.equal(step.outputs['exit-code'], '2');
  assert.match(step.stdout, /^::error title=netpol-assert::generate must be true or false, not 'yes'$/m);
});

test('inputs are data: a command substitution in paths reaches the CLI as text', async (t) => {
  const step = await runStep(t, { paths: '$(touch pwned) `touch pwned2` *' }, { exit: 0 });
  assert.deepEqual(step.calls[0]?.slice(0, 4), ['run', '$(touch', 'pwned)', '`touch']);
  assert.ok(step.calls[0]?.includes('*'), 'no glob expansion');
  assert.equal(existsSync(join(step.cwd, 'pwned')), false);
  assert.equal(existsSync(join(step.cwd, 'pwned2')), false);
});

test('with the real CLI, a kubeconfig that does not exist ends in exit code 3 and outputs that say so', async (t) => {
  const step = await runStep(
    t,
    { paths: join(ROOT, 'suites'), kubeconfig: '/nonexistent/kubeconfig' },
    'real',
  );
  assert.equal(step.exitCode, 3, step.stdout);
  assert.equal(step.outputs['exit-code'], '3');
  assert.equal(step.outputs.total, '');
  assert.match(step.stdout, /cannot load the kubeconfig/);
});
