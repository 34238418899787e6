import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { ACTION_OUTPUT_NAMES } from '../../src/action/index.js';
import { DEFAULT_AGENT_IMAGE } from '../../src/shared/index.js';
import type { GithubFile, KnownWriters } from './actions-files.js';
import { accessPaths, checkAction, checkWorkflow, readActionInterface } from './actions-files.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): GithubFile => ({
  name: path,
  content: readFileSync(new URL(path, root), 'utf8'),
});

const ACTION = read('action.yml');
const WORKFLOWS = readdirSync(new URL('.github/workflows/', root))
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => read(`.github/workflows/${name}`));
/** The action's last command writes its outputs through this script (src/action). */
const WRITERS: KnownWriters = { 'scripts/action-report.mjs': ACTION_OUTPUT_NAMES };

/** action.yml with one input's declaration renamed, its uses left as they are. */
function renameInputDeclaration(content: string, from: string, to: string): string {
  const document = parseDocument(content);
  const value: unknown = document.getIn(['inputs', from], true);
  assert.ok(value, `action.yml declares no input ${from}`);
  document.deleteIn(['inputs', from]);
  document.setIn(['inputs', to], value);
  return document.toString();
}

test('the workflows are the ones this repository runs: ci and release', () => {
  assert.deepEqual(
    WORKFLOWS.map((file) => file.name),
    ['.github/workflows/ci.yml', '.github/workflows/release.yml'],
  );
});

test("action.yml passes GitHub's parser, and its inputs, steps and outputs agree", () => {
  const result = checkAction(ACTION, WRITERS);
  assert.deepEqual(result.problems, []);
  assert.ok(result.checked.inputs >= 12, `only ${result.checked.inputs} input references checked`);
  assert.ok(
    result.checked.steps >= ACTION_OUTPUT_NAMES.length,
    `${result.checked.steps} step outputs checked`,
  );
});

test('action.yml maps exactly the outputs its step writes', () => {
  assert.deepEqual([...readActionInterface(ACTION.content).outputs].sort(), [...ACTION_OUTPUT_NAMES].sort());
});

for (const workflow of WORKFLOWS)
  test(`${workflow.name} passes GitHub's parser and its references resolve`, async () => {
    const result = await checkWorkflow(workflow, readActionInterface(ACTION.content), WRITERS);
    assert.deepEqual(result.problems, []);
  });

test('the references checked in the workflows are not none', async () => {
  const action = readActionInterface(ACTION.content);
  const [ci, release] = await Promise.all(WORKFLOWS.map((file) => checkWorkflow(file, action, WRITERS)));
  assert.ok((ci?.checked.with ?? 0) >= 3, 'the kind job passes inputs to the action');
  assert.ok((ci?.checked.steps ?? 0) >= 1, 'the kind job reads the action’s exit-code');
  assert.ok((release?.checked.needs ?? 0) >= 3, 'the release jobs read the check job’s outputs');
  assert.ok((release?.checked.steps ?? 0) >= 2);
});

test('an input renamed in its declaration but not in its uses is reported, both ways', () => {
  const renamed = {
    name: 'action.yml',
    content: renameInputDeclaration(ACTION.content, 'settle', 'settle-seconds'),
  };
  const { problems } = checkAction(renamed, WRITERS);
  assert.ok(
    problems.some((p) => /inputs\.settle is not a declared input/.test(p)),
    problems.join('\n'),
  );
  assert.ok(problems.includes('action.yml: input settle-seconds is never used'), problems.join('\n'));
});

test('a workflow passing an input the action no longer declares is reported', async () => {
  const action = readActionInterface(renameInputDeclaration(ACTION.content, 'image', 'agent-image'));
  const ci = WORKFLOWS.find((file) => file.name.endsWith('/ci.yml'));
  assert.ok(ci);
  const { problems } = await checkWorkflow(ci, action, WRITERS);
  assert.deepEqual(problems, [
    '.github/workflows/ci.yml: job kind: with.image is not an input of action.yml',
  ]);
});

test('a step output nobody writes, or a step id that changed, is reported', () => {
  const unknownOutput = ACTION.content.replace('steps.run.outputs.total', 'steps.run.outputs.count');
  assert.notEqual(unknownOutput, ACTION.content);
  assert.ok(
    checkAction({ name: 'action.yml', content: unknownOutput }, WRITERS).problems.includes(
      'action.yml: output total: step run does not write output count',
    ),
  );
  const renamedStep = ACTION.content.replace('id: run', 'id: netpol');
  const problems = checkAction({ name: 'action.yml', content: renamedStep }, WRITERS).problems;
  assert.equal(problems.filter((p) => /steps\.run names no step/.test(p)).length, ACTION_OUTPUT_NAMES.length);
});

test("GitHub's parser rejects a broken expression and an unknown key", async () => {
  const broken = ACTION.content.replace("if: inputs.node-version != ''", "if: inputs.node-version != '' &&");
  assert.notEqual(broken, ACTION.content);
  assert.match(
    checkAction({ name: 'action.yml', content: broken }, WRITERS).problems.join('\n'),
    /Unexpected end of expression/,
  );
  const ci = WORKFLOWS[0];
  assert.ok(ci);
  const typo = { ...ci, content: ci.content.replace('runs-on: ubuntu-24.04', 'run-on: ubuntu-24.04') };
  const { problems } = await checkWorkflow(typo, readActionInterface(ACTION.content), WRITERS);
  assert.ok(
    problems.some((p) => /run-on/.test(p)),
    problems.join('\n'),
  );
});

test('expression paths follow property chains, indexes and function arguments', () => {
  assert.deepEqual(accessPaths("steps.run.outputs.exit-code != '0' && inputs.x"), [
    ['steps', 'run', 'outputs', 'exit-code'],
    ['inputs', 'x'],
  ]);
  assert.deepEqual(accessPaths("format('{0}', steps['run'].outputs.total)"), [
    ['steps', 'run', 'outputs', 'total'],
  ]);
  assert.deepEqual(accessPaths('matrix[inputs.key]'), [['inputs', 'key'], ['matrix']]);
});

test('the release pushes the default --image, read from where release.yml reads it, at the package version', async () => {
  const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
  const release = WORKFLOWS.find((file) => file.name.endsWith('/release.yml'));
  const source = /import \{ DEFAULT_AGENT_IMAGE \} from "\.\/([^"]+)"/.exec(release?.content ?? '')?.[1];
  assert.ok(source, 'release.yml reads DEFAULT_AGENT_IMAGE from a source file');
  const module = (await import(new URL(source, root).href)) as { DEFAULT_AGENT_IMAGE?: unknown };
  assert.equal(module.DEFAULT_AGENT_IMAGE, DEFAULT_AGENT_IMAGE);
  assert.match(
    DEFAULT_AGENT_IMAGE,
    new RegExp(`^ghcr\\.io/[a-z0-9-]+/[a-z0-9-]+:${version.replace(/\./g, '\\.')}$`),
  );
});

/**
 * The YAML blocks of docs/ci.md that are GitHub Actions: whole workflows as they are, a
 * `jobs:` block with an `on:`, and step lists inside a job. The action is named as users
 * name it; here it is this checkout's.
 */
function docsWorkflows(): GithubFile[] {
  const docs = readFileSync(new URL('docs/ci.md', root), 'utf8');
  const blocks = [...docs.matchAll(/```yaml\n(.*?)```/gs)].map((match) => match[1] ?? '');
  return blocks
    .filter((block) => !/^kind: Cluster(Role)?$/m.test(block))
    .map((block, index) => {
      const text = block.replace(/netpol-assert\/netpol-assert@v[\d.]+/g, './');
      const content = /^on:/m.test(text)
        ? text
        : /^jobs:/m.test(text)
          ? `on: push\n${text}`
          : `on: push\njobs:\n  doc:\n    runs-on: ubuntu-24.04\n    steps:\n${text.replace(/^/gm, '      ')}`;
      return { name: `docs/ci.md block ${index + 1}`, content };
    });
}

test('the workflow YAML in docs/ci.md passes the same checks', async () => {
  const files = docsWorkflows();
  assert.equal(files.length, 5, files.map((file) => file.content).join('\n----\n'));
  const action = readActionInterface(ACTION.content);
  const problems = (await Promise.all(files.map((file) => checkWorkflow(file, action, WRITERS)))).flatMap(
    (result) => result.problems,
  );
  assert.deepEqual(problems, []);
});
