/**
 * Checks for the GitHub Actions files of this repository (action.yml and
 * .github/workflows/*.yml), offline. GitHub's own parser (@actions/workflow-parser, the
 * one behind the Actions language service) reads each file against its schema: syntax,
 * keys, `${{ }}` expressions and `if:` conditions. What it does not check, done here with
 * its expression parser (@actions/expressions): every `inputs.X` names a declared input
 * and every declared input is used; every `steps.ID.outputs.X` names a step of the same
 * job that runs before it and writes X; every `needs.JOB.outputs.X` names a needed job's
 * output; and what a workflow passes to the action of this repository (`uses: ./`) are
 * its inputs.
 */
import { Lexer, Parser } from '@actions/expressions';
import type { Expr, ExprVisitor, FunctionCall, IndexAccess, Literal } from '@actions/expressions/ast';
import { Star } from '@actions/expressions/ast';
import type { FunctionInfo } from '@actions/expressions/funcs/info';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index';
import { parse } from 'yaml';

export interface GithubFile {
  readonly name: string;
  readonly content: string;
}

/** What a file makes available to others: the action's inputs and outputs. */
export interface ActionInterface {
  readonly inputs: ReadonlyMap<string, { readonly required: boolean }>;
  readonly outputs: ReadonlySet<string>;
}

export interface CheckResult {
  readonly problems: readonly string[];
  /** How many references of each kind were checked: a check that saw none checked nothing. */
  readonly checked: Readonly<Record<ReferenceKind, number>>;
}

type ReferenceKind = 'inputs' | 'steps' | 'needs' | 'with';

/** Outputs that a `run` step writes through a program rather than `echo name=... >> $GITHUB_OUTPUT`. */
export interface KnownWriters {
  readonly [scriptPath: string]: readonly string[];
}

// ---- GitHub's parser --------------------------------------------------------------

const trace = new NoOperationTraceWriter();

/** The errors GitHub's parser finds in a workflow, conversion (jobs, steps, `if:`) included. */
export async function workflowParserErrors(file: GithubFile): Promise<string[]> {
  const parsed = parseWorkflow(file, trace);
  if (parsed.value !== undefined) await convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((error) => error.message);
}

/** The errors GitHub's parser finds in an action's metadata file. */
export function actionParserErrors(file: GithubFile): string[] {
  const parsed = parseAction(file, trace);
  if (parsed.value !== undefined) convertActionTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((error) => error.message);
}

// ---- Expressions ------------------------------------------------------------------

const CONTEXTS = [
  'github',
  'env',
  'vars',
  'job',
  'jobs',
  'steps',
  'runner',
  'secrets',
  'strategy',
  'matrix',
  'needs',
  'inputs',
];
const STATUS_FUNCTIONS: FunctionInfo[] = [
  { name: 'success', minArgs: 0, maxArgs: 0 },
  { name: 'failure', minArgs: 0, maxArgs: 0 },
  { name: 'always', minArgs: 0, maxArgs: 0 },
  { name: 'cancelled', minArgs: 0, maxArgs: 0 },
  { name: 'hashFiles', minArgs: 1, maxArgs: 255 },
];

/** `${{ a }}` segments of a string, or the whole string for an `if:`, which may omit them. */
export function expressionsIn(text: string, isCondition: boolean): string[] {
  const embedded = [...text.matchAll(/\$\{\{(.*?)\}\}/gs)].map((match) => (match[1] ?? '').trim());
  if (isCondition && embedded.length === 0) return [text.trim()];
  return embedded;
}

/** The property paths an expression reads: `steps.run.outputs.x` is ['steps', 'run', 'outputs', 'x']. */
export function accessPaths(expression: string): string[][] {
  const lexed = new Lexer(expression).lex();
  const tree = new Parser(lexed.tokens, CONTEXTS, STATUS_FUNCTIONS).parse();
  const paths: string[][] = [];
  collectPaths(tree, paths);
  return paths;
}

/** Every maximal chain of literal property accesses, and the paths inside indexes and calls. */
function collectPaths(tree: Expr, into: string[][]): void {
  const path = tree.accept(new PathVisitor(into));
  if (path !== undefined) into.push(path);
}

class PathVisitor implements ExprVisitor<string[] | undefined> {
  constructor(private readonly into: string[][]) {}

  visitLiteral(): undefined {
    return undefined;
  }
  visitUnary(unary: { expr: Expr }): undefined {
    collectPaths(unary.expr, this.into);
    return undefined;
  }
  visitBinary(binary: { left: Expr; right: Expr }): undefined {
    collectPaths(binary.left, this.into);
    collectPaths(binary.right, this.into);
    return undefined;
  }
  visitLogical(logical: { args: Expr[] }): undefined {
    for (const arg of logical.args) collectPaths(arg, this.into);
    return undefined;
  }
  visitGrouping(grouping: { group: Expr }): undefined {
    collectPaths(grouping.group, this.into);
    return undefined;
  }
  visitContextAccess(access: { name: { lexeme: string } }): string[] {
    return [access.name.lexeme];
  }
  visitIndexAccess(access: IndexAccess): string[] | undefined {
    const base = access.expr.accept(this);
    const key = access.index instanceof Star ? undefined : literalKey(access.index);
    if (key === undefined) {
      if (!(access.index instanceof Star)) collectPaths(access.index, this.into);
      if (base !== undefined) this.into.push(base);
      return undefined;
    }
    return base === undefined ? undefined : [...base, key];
  }
  visitFunctionCall(call: FunctionCall): undefined {
    for (const arg of call.args) collectPaths(arg, this.into);
    return undefined;
  }
}

function literalKey(index: Expr): string | undefined {
  const literal = index as Partial<Literal>;
  return literal.literal !== undefined && literal.token !== undefined
    ? literal.literal.coerceString()
    : undefined;
}

// ---- The files as data ------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: Json | undefined): JsonObject {
  return isObject(value) ? value : {};
}

function listAt(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** Every expression under a value, with whether it sits in an `if:`. */
function expressionsUnder(value: Json | undefined, key = ''): string[] {
  if (typeof value === 'string') return expressionsIn(value, key === 'if');
  if (Array.isArray(value)) return value.flatMap((item) => expressionsUnder(item));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => expressionsUnder(v, k));
  return [];
}

interface Step {
  readonly id: string | undefined;
  readonly outputs: ReadonlySet<string> | undefined; // undefined: a remote action's, not known here
  readonly body: JsonObject;
}

/** What a step writes: `name=... >> "$GITHUB_OUTPUT"` lines, the known writers it runs, or the local action's outputs. */
function stepOf(body: JsonObject, action: ActionInterface | undefined, writers: KnownWriters): Step {
  const id = typeof body.id === 'string' ? body.id : undefined;
  if (typeof body.run === 'string') {
    const echoed = [...body.run.matchAll(/\b([A-Za-z_][\w-]*)=[^\n]*>>\s*"?\$\{?GITHUB_OUTPUT\b/g)].map(
      (match) => match[1] ?? '',
    );
    const written = Object.entries(writers).flatMap(([script, names]) =>
      typeof body.run === 'string' && body.run.includes(script) ? names : [],
    );
    return { id, outputs: new Set([...echoed, ...written]), body };
  }
  if (body.uses === './') return { id, outputs: action?.outputs ?? new Set(), body };
  return { id, outputs: undefined, body };
}

/** Checks of one group of steps (a job, or a composite action) and what reads their outputs. */
class ReferenceChecker {
  readonly problems: string[] = [];
  readonly checked: Record<ReferenceKind, number> = { inputs: 0, steps: 0, needs: 0, with: 0 };
  readonly inputsUsed = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly inputs: ReadonlySet<string> | undefined,
  ) {}

  /** `where` names the place for messages; `before` is how many steps precede it, when inside a step. */
  expressions(texts: readonly string[], where: string, steps: readonly Step[], before?: number): void {
    for (const text of texts) {
      let paths: string[][];
      try {
        paths = accessPaths(text);
      } catch (error) {
        this.problems.push(
          `${this.file}: ${where}: \${{ ${text} }} does not parse: ${(error as Error).message}`,
        );
        continue;
      }
      for (const path of paths) this.path(path, where, steps, before);
    }
  }

  private path(path: readonly string[], where: string, steps: readonly Step[], before?: number): void {
    const [context, name, section, output] = path;
    if (context === 'inputs' && name !== undefined && this.inputs !== undefined) {
      this.checked.inputs += 1;
      this.inputsUsed.add(name);
      if (!this.inputs.has(name))
        this.problems.push(`${this.file}: ${where}: inputs.${name} is not a declared input`);
    }
    if (context === 'steps' && name !== undefined && section === 'outputs' && output !== undefined) {
      this.checked.steps += 1;
      const index = steps.findIndex((step) => step.id === name);
      const step = steps[index];
      if (step === undefined) this.problems.push(`${this.file}: ${where}: steps.${name} names no step`);
      else if (before !== undefined && index >= before)
        this.problems.push(`${this.file}: ${where}: steps.${name} does not run before it`);
      else if (step.outputs !== undefined && !step.outputs.has(output))
        this.problems.push(`${this.file}: ${where}: step ${name} does not write output ${output}`);
    }
  }

  /** Every declared input is read somewhere. */
  unusedInputs(): void {
    for (const input of this.inputs ?? [])
      if (!this.inputsUsed.has(input)) this.problems.push(`${this.file}: input ${input} is never used`);
  }
}

/** Steps, and the expressions inside each one, with the position that decides what they may read. */
function checkSteps(
  checker: ReferenceChecker,
  bodies: readonly Json[],
  where: string,
  action: ActionInterface | undefined,
  writers: KnownWriters,
): Step[] {
  const steps = bodies.filter(isObject).map((body) => stepOf(body, action, writers));
  steps.forEach((step, index) => {
    const name = `${where} step ${step.id ?? index + 1}`;
    checker.expressions(expressionsUnder(step.body), name, steps, index);
  });
  return steps;
}

// ---- action.yml -------------------------------------------------------------------

export function readActionInterface(content: string): ActionInterface {
  const action = objectAt(parse(content) as Json);
  const inputs = new Map(
    Object.entries(objectAt(action.inputs)).map(([name, spec]) => {
      const declared = objectAt(spec);
      return [name, { required: declared.required === true && declared.default === undefined }] as const;
    }),
  );
  return { inputs, outputs: new Set(Object.keys(objectAt(action.outputs))) };
}

export function checkAction(file: GithubFile, writers: KnownWriters = {}): CheckResult {
  const problems = actionParserErrors(file);
  const action = objectAt(parse(file.content) as Json);
  const inputs = new Set(Object.keys(objectAt(action.inputs)));
  const checker = new ReferenceChecker(file.name, inputs);
  const steps = checkSteps(checker, listAt(objectAt(action.runs).steps), 'runs', undefined, writers);
  for (const [name, output] of Object.entries(objectAt(action.outputs)))
    checker.expressions(expressionsUnder(objectAt(output).value), `output ${name}`, steps);
  checker.unusedInputs();
  return { problems: [...problems, ...checker.problems], checked: checker.checked };
}

// ---- workflows --------------------------------------------------------------------

export async function checkWorkflow(
  file: GithubFile,
  action: ActionInterface,
  writers: KnownWriters = {},
): Promise<CheckResult> {
  const problems = await workflowParserErrors(file);
  const workflow = objectAt(parse(file.content) as Json);
  const checker = new ReferenceChecker(file.name, workflowInputs(workflow));
  const jobs = objectAt(workflow.jobs);
  checker.expressions(
    expressionsUnder({ env: workflow.env ?? null, concurrency: workflow.concurrency ?? null }),
    'workflow',
    [],
  );
  for (const [jobId, jobValue] of Object.entries(jobs)) {
    const job = objectAt(jobValue);
    const where = `job ${jobId}`;
    const steps = checkSteps(checker, listAt(job.steps), where, action, writers);
    const outsideSteps = Object.fromEntries(Object.entries(job).filter(([key]) => key !== 'steps'));
    checker.expressions(expressionsUnder(outsideSteps), where, steps);
    problems.push(...needsProblems(file.name, jobId, job, jobs, checker));
    problems.push(...localActionProblems(file.name, where, steps, action, checker));
  }
  return { problems: [...problems, ...checker.problems], checked: checker.checked };
}

/** workflow_dispatch and workflow_call inputs; none declared means any `inputs.X` is unknown. */
function workflowInputs(workflow: JsonObject): ReadonlySet<string> {
  const on = objectAt(workflow.on);
  return new Set([
    ...Object.keys(objectAt(objectAt(on.workflow_dispatch).inputs)),
    ...Object.keys(objectAt(objectAt(on.workflow_call).inputs)),
  ]);
}

/** `needs.JOB.outputs.X`: JOB is needed by this job and declares output X. */
function needsProblems(
  file: string,
  jobId: string,
  job: JsonObject,
  jobs: JsonObject,
  checker: ReferenceChecker,
): string[] {
  const needed = new Set(typeof job.needs === 'string' ? [job.needs] : listAt(job.needs).map(String));
  const problems: string[] = [];
  for (const text of expressionsUnder(job))
    for (const [context, name, section, output] of safePaths(text)) {
      if (context !== 'needs' || name === undefined) continue;
      checker.checked.needs += 1;
      if (!needed.has(name)) problems.push(`${file}: job ${jobId}: needs.${name} is not in its needs`);
      else if (
        section === 'outputs' &&
        output !== undefined &&
        !(output in objectAt(objectAt(jobs[name]).outputs))
      )
        problems.push(`${file}: job ${jobId}: job ${name} has no output ${output}`);
    }
  return problems;
}

/** What a workflow passes to this repository's action: only its inputs, and every required one. */
function localActionProblems(
  file: string,
  where: string,
  steps: readonly Step[],
  action: ActionInterface,
  checker: ReferenceChecker,
): string[] {
  const problems: string[] = [];
  for (const step of steps) {
    if (step.body.uses !== './') continue;
    const given = objectAt(step.body.with);
    for (const name of Object.keys(given)) {
      checker.checked.with += 1;
      if (!action.inputs.has(name))
        problems.push(`${file}: ${where}: with.${name} is not an input of action.yml`);
    }
    for (const [name, { required }] of action.inputs)
      if (required && !(name in given))
        problems.push(`${file}: ${where}: the required input ${name} is missing`);
  }
  return problems;
}

function safePaths(text: string): string[][] {
  try {
    return accessPaths(text);
  } catch {
    return []; // reported by the ReferenceChecker, which parses the same text
  }
}
