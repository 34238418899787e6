/** Structure first: the suite document against schemas/suite.schema.json, with ajv. */
import type { ValidateFunction } from 'ajv';
import suiteSchema from '../../schemas/suite.schema.json' with { type: 'json' };
import { explainSchemaError, type SchemaProblem } from './explain-schema-error.js';
import type { ValuePath } from './locate-node.js';
import { suiteValidator } from './suite-validator.js';

export type { SchemaProblem } from './explain-schema-error.js';

interface CompiledSchema {
  readonly validate: ValidateFunction;
  /** Each schema object to the name of the definition it sits in (`root` for the top). */
  readonly definitionOf: WeakMap<object, string>;
}

let compiled: CompiledSchema | undefined;

function compiledSchema(): CompiledSchema {
  if (compiled !== undefined) return compiled;
  const definitionOf = new WeakMap<object, string>();
  label(suiteSchema, 'root', definitionOf);
  for (const [name, definition] of Object.entries(suiteSchema.definitions))
    label(definition, name, definitionOf);
  compiled = { validate: suiteValidator(), definitionOf };
  return compiled;
}

function label(node: unknown, name: string, into: WeakMap<object, string>): void {
  if (node === null || typeof node !== 'object') return;
  into.set(node, name);
  for (const child of Object.values(node)) label(child, name, into);
}

/** Every structural problem, one per value (ajv's `if` and duplicate branch noise removed). */
export function validateSuiteSchema(value: unknown): SchemaProblem[] {
  const { validate, definitionOf } = compiledSchema();
  if (validate(value)) return [];
  const problems: SchemaProblem[] = [];
  for (const error of validate.errors ?? []) {
    const definition = (error.parentSchema && definitionOf.get(error.parentSchema)) || 'root';
    const path = valuePath(value, error.instancePath);
    const definitions: Readonly<Record<string, unknown>> = suiteSchema.definitions;
    const atDefinitionRoot = error.parentSchema === (definitions[definition] ?? suiteSchema);
    const problem = explainSchemaError({
      error,
      definition,
      path,
      value: valueAt(value, path),
      atDefinitionRoot,
    });
    if (problem !== undefined) problems.push(problem);
  }
  return withoutMisspelledMissing(deduplicated(problems));
}

/** `expct: allow` is one mistake: the unknown key says "did you mean", so "missing expect" is not repeated. */
function withoutMisspelledMissing(problems: readonly SchemaProblem[]): SchemaProblem[] {
  const misspelled = new Set(
    problems
      .filter((p) => p.suggestion !== undefined)
      .map((p) => JSON.stringify([...p.where.path.slice(0, -1), p.suggestion])),
  );
  return problems.filter(
    (p) => p.missingKey === undefined || !misspelled.has(JSON.stringify([...p.where.path, p.missingKey])),
  );
}

/**
 * One problem per value (a type error first: it explains the rest), and container
 * problems (missing and unknown keys) once each.
 */
function deduplicated(problems: readonly SchemaProblem[]): SchemaProblem[] {
  const byValue = new Map<string, SchemaProblem>();
  const seen = new Set<string>();
  const kept: SchemaProblem[] = [];
  for (const problem of problems) {
    const key = JSON.stringify([problem.where.path, problem.where.at]);
    if (problem.covers && problem.where.at === 'value') {
      const earlier = byValue.get(key);
      if (earlier === undefined) {
        byValue.set(key, problem);
        kept.push(problem);
      } else if (problem.keyword === 'type' && earlier.keyword !== 'type') {
        byValue.set(key, problem);
        kept[kept.indexOf(earlier)] = problem;
      }
    } else if (!seen.has(key + problem.message)) {
      seen.add(key + problem.message);
      kept.push(problem);
    }
  }
  return kept;
}

/** A JSON pointer as a path: array indices as numbers, so messages and lookups can tell. */
function valuePath(root: unknown, pointer: string): ValuePath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const step = Array.isArray(node) ? Number(segment) : segment;
    path.push(step);
    node = valueAt(node, [step]);
  }
  return path;
}

export function valueAt(root: unknown, path: ValuePath): unknown {
  let node = root;
  for (const step of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, step)) return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}
