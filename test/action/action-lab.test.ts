/**
 * The action's shell steps (action.yml's `run:` scripts) against a real lab, as the runner
 * runs them: bash `--noprofile --norc -eo pipefail`, in the workspace (this checkout),
 * with GITHUB_ACTION_PATH at the action's checkout (this one, as `uses: ./` after
 * `npm ci`), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP and the commit variables
 * the summary links with, and each step's `env:` as GitHub evaluates it: every
 * `${{ inputs.NAME }}` becomes the input given or its default. The kubeconfig input is
 * the lab's. The real CLI sends real packets inside the lab; the test reads the step's
 * exit code, its outputs, its annotations and its job summary. docs/ci.md ("Tried here")
 * quotes what these steps print. Needs root and the lab's control plane.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { parse } from 'yaml';
import { e2eSkipReason, labDown, labUp, REPO_ROOT } from '../e2e/e2e-support.js';

const LAB = 'actlab';
const skip = await e2eSkipReason();

interface ActionStep {
  readonly id?: string;
  readonly name?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly env?: Readonly<Record<string, string>>;
}
interface ActionFile {
  readonly inputs: Readonly<Record<string, { readonly default?: string }>>;
  readonly runs: { readonly steps: readonly ActionStep[] };
}

const ACTION = parse(await readFile(join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionFile;
/** The steps the runner hands to bash; the first, `uses: actions/setup-node`, is skipped without node-version. */
const SHELL_STEPS = ACTION.runs.steps.filter((step) => step.run !== undefined);

/** A step's `env:` with every `${{ inputs.NAME }}` evaluated: the input given, else its default. */
function stepEnvironment(step: ActionStep, inputs: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(step.env ?? {}).map(([name, value]) => {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(value)?.[1];
      assert.ok(input !== undefined, `${name}: ${value} is not one input`);
      return [name, inputs[input] ?? ACTION.inputs[input]?.default ?? ''];
    }),
  );
}

interface ActionRun {
  /** The exit code of the last step that ran (a failing step ends the job's steps). */
  readonly exitCode: number;
  /** Everything the steps printed, stdout and stderr, step by step. */
  readonly log: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly summary: string;
}

const COMMIT = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo/shop',
  GITHUB_SHA: 'c0ffee',
};

/** Runs the action's shell steps in order, as a composite action does, stopping at the first that fails. */
async function runAction(
  t: { after(fn: () => Promise<void>): void },
  inputs: Readonly<Record<string, string>>,
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'netpol-assert-action-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const output = join(dir, 'output');
  const summary = join(dir, 'summary.md');
  await Promise.all([writeFile(output, ''), writeFile(summary, '')]);
  let log = '';
  let exitCode = 0;
  for (const [index, step] of SHELL_STEPS.entries()) {
    assert.equal(step.shell, 'bash', `${step.name ?? ''} runs in bash`);
    const script = join(dir, `step-${index}.sh`);
    await writeFile(script, step.run ?? '');
    const ran = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: REPO_ROOT,
        GITHUB_ACTION_PATH: REPO_ROOT,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: dir,
        ...COMMIT,
        ...stepEnvironment(step, inputs),
      },
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 150_000,
    });
    log += `== ${step.name ?? `step ${index}`}\n${ran.all ?? ''}\n`;
    exitCode = ran.exitCode ?? -1;
    if (exitCode !== 0) break;
  }
  const lines = (await readFile(output, 'utf8')).split('\n').filter((line) => line !== '');
  return {
    exitCode,
    log,
    outputs: Object.fromEntries(lines.map((line) => line.split(/=(.*)/s).slice(0, 2))),
    summary: await readFile(summary, 'utf8'),
  };
}

describe("the action's shell steps against a lab", { skip, timeout: 420_000 }, () => {
  let kubeconfig = '';
  let reports = '';

  before(async () => {
    kubeconfig = await labUp(LAB);
    reports = await mkdtemp(join(tmpdir(), 'netpol-assert-action-reports-'));
  });

  after(async () => {
    await labDown(LAB);
    if (reports !== '') await rm(reports, { recursive: true, force: true });
  });

  test('suites/ through the action: exit 0, the counts as outputs, a notice, a passing summary, JUnit', async (t) => {
    const junit = join(reports, 'junit.xml');
    const action = await runAction(t, { paths: 'suites/', kubeconfig, junit });
    assert.equal(action.exitCode, 0, action.log);
    assert.match(action.log, /^netpol-assert: using the dependencies in .*\/node_modules$/m);
    assert.match(action.log, /^netpol-assert \d+\.\d+\.\d+ on node v\d+/m);
    assert.deepEqual(action.outputs, {
      'exit-code': '0',
      passed: '24',
      failed: '0',
      flaky: '0',
      inconclusive: '0',
      skipped: '0',
      total: '24',
    });
    assert.match(
      action.log,
      /^::notice title=netpol-assert::24 passed of 24 assertions \(run against netpol-assert-actlab\)$/m,
    );
    assert.doesNotMatch(action.log, /^::(error|warning)/m);
    assert.match(action.summary, /^## netpol-assert: ✅ every assertion held: 24 passed of 24$/m);
    assert.match(action.summary, /^Real traffic against `netpol-assert-actlab`, [\d.]+ s\.$/m);
    assert.doesNotMatch(action.summary, /\| outcome \|/, 'no table when every assertion held');
    assert.match(await readFile(junit, 'utf8'), /<testsuites [^>]*tests="24"[^>]*failures="0"/);
  });

  test('an assertion the policies contradict: exit 1, an ::error on its suite line, a summary row linked to it', async (t) => {
    const action = await runAction(t, {
      paths: 'suites/bookstore.yaml test/fixtures/cli/wrong-expectations.yaml',
      kubeconfig,
      reporters: 'pretty',
    });
    assert.equal(action.exitCode, 1, action.log);
    assert.deepEqual(action.outputs, {
      'exit-code': '1',
      passed: '10',
      failed: '1',
      flaky: '0',
      inconclusive: '0',
      skipped: '0',
      total: '11',
    });
    const errors = action.log.split('\n').filter((line) => line.startsWith('::error'));
    assert.equal(errors.length, 1, action.log);
    assert.match(
      errors[0] ?? '',
      // `:` and newlines in a workflow command's properties and message are escaped as the runner unescapes them.
      /^::error file=test\/fixtures\/cli\/wrong-expectations\.yaml,line=5,col=5,title=fail%3A from shop\/app=cart to default\/app=web%3A80 expect allow::expected allow; 1 pair: 1 failed%0A/,
    );
    assert.match(errors[0] ?? '', /isolated by shop\/egress-lockdown/);
    assert.match(
      action.log,
      /^::notice title=netpol-assert::10 passed, 1 failed of 11 assertions \(run against netpol-assert-actlab\)$/m,
    );
    // --reporter pretty, asked for with `reporters`, prints beside the annotations.
    assert.match(action.log, /✗ from shop\/app=cart to default\/app=web:80 expect allow/);
    assert.match(action.summary, /^## netpol-assert: ❌ 10 passed, 1 failed of 11 assertions$/m);
    assert.match(
      action.summary,
      /^\| \*\*fail\*\* \| from shop\/app=cart to default\/app=web:80 expect allow \| \[`test\/fixtures\/cli\/wrong-expectations\.yaml:5`\]\(https:\/\/github\.com\/octo\/shop\/blob\/c0ffee\/test\/fixtures\/cli\/wrong-expectations\.yaml#L5\) \| allow \|/m,
    );
  });

  test('with fail-on-assertions false the same run passes the step, and exit-code says 1', async (t) => {
    const action = await runAction(t, {
      paths: 'test/fixtures/cli/wrong-expectations.yaml',
      kubeconfig,
      'fail-on-assertions': 'false',
    });
    assert.equal(action.exitCode, 0, action.log);
    assert.equal(action.outputs['exit-code'], '1');
    assert.equal(action.outputs.failed, '1');
    assert.match(action.log, /^::notice title=netpol-assert::assertions did not hold \(exit code 1\)/m);
  });
});
