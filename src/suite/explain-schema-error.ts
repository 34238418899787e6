/**
 * ajv's errors in the words of a suite author: what is wrong, where, and what was
 * expected. Messages are chosen by the schema definition the error came from
 * (`duration`, `port`, ...), so the schema stays the one place that states the rules.
 */
import type { ErrorObject } from 'ajv';
import { closestName } from '../shared/index.js';
import type { ValuePath } from './locate-node.js';
import { namespaceNameProblem } from './names.js';
import { DURATION_EXAMPLES } from './parse-duration.js';
import { PORT_NAME_RULES, portOutOfRange } from './parse-port.js';
import { atKey, atValue, type Problem } from './resolve-context.js';
import type { SuiteErrorCode } from './types.js';

export interface SchemaProblem extends Problem {
  readonly keyword: string;
  /** The problem is about the value itself, so no further check of it should speak. */
  readonly covers: boolean;
  /** For a missing key: the key. */
  readonly missingKey?: string;
  /** For an unknown key: the allowed key it most likely misspells. */
  readonly suggestion?: string;
}

/** The error in context: the schema definition it came from, the value's path and the value. */
export interface SchemaErrorContext {
  readonly error: ErrorObject;
  readonly definition: string;
  readonly path: ValuePath;
  readonly value: unknown;
  /** The error is about the definition as a whole (its `type`), not one of its properties. */
  readonly atDefinitionRoot: boolean;
}

const CONTAINERS: Readonly<Record<string, string>> = {
  root: 'the suite',
  metadata: 'metadata',
  defaults: 'defaults',
  assertionMap: 'assertion',
  endpointMap: 'endpoint',
  selectorMap: 'selector',
  requirement: 'match expression',
};

const MISSING_HINTS: Readonly<Record<string, string>> = {
  'root.apiVersion': 'expected "apiVersion: netpol-assert/v1"',
  'root.kind': 'expected "kind: Suite"',
  'root.metadata': 'expected "metadata: {name: NAME}"',
  'metadata.name': "expected the suite's name",
  'assertionMap.from': 'expected the source, e.g. "from: shop/app=web"',
  'assertionMap.to': 'expected the destination, e.g. "to: shop/app=db:5432"',
  'assertionMap.expect': 'expected "expect: allow" or "expect: deny"',
  'endpointMap.namespace': 'expected a namespace name, "*" or a label map',
  'requirement.key': 'expected the label key',
  'requirement.operator': 'expected In, NotIn, Exists or DoesNotExist',
};

const ITEM_NOUNS: Readonly<Record<string, string>> = {
  setup: 'setup entry',
  recipes: 'recipe',
  assertions: 'assertion',
  matchExpressions: 'match expression',
  values: 'value',
};

const TYPE_NOUNS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
  null: 'empty',
};

/** A suite author's view of one ajv error; undefined for ajv's bookkeeping (`if` failures). */
export function explainSchemaError(context: SchemaErrorContext): SchemaProblem | undefined {
  const { error, definition, path } = context;
  switch (error.keyword) {
    case 'if':
      return undefined;
    case 'additionalProperties': {
      const key = String(error.params['additionalProperty']);
      const allowed = Object.keys((error.parentSchema?.['properties'] as object | undefined) ?? {});
      const container = CONTAINERS[definition] ?? 'this map';
      const suggestion = closestName(key, allowed);
      const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
      const message = `unknown key "${key}" in ${container}; expected one of: ${allowed.join(', ')}${hint}`;
      return {
        code: 'UNKNOWN_KEY',
        message,
        where: atKey([...path, key]),
        keyword: error.keyword,
        covers: true,
        ...(suggestion !== undefined ? { suggestion } : {}),
      };
    }
    case 'required': {
      const key = String(error.params['missingProperty']);
      const container = CONTAINERS[definition] ?? 'this map';
      const hint = MISSING_HINTS[`${definition}.${key}`];
      const message = `missing key "${key}" in ${container}${hint === undefined ? '' : `; ${hint}`}`;
      const where = atValue(path);
      return { code: 'MISSING_KEY', message, where, keyword: error.keyword, covers: false, missingKey: key };
    }
    default: {
      const [code, message] = valueMessage(context);
      return { code, message, where: atValue(path), keyword: error.keyword, covers: true };
    }
  }
}

type Explained = readonly [SuiteErrorCode, string];

function valueMessage(context: SchemaErrorContext): Explained {
  const { error, definition, path, value, atDefinitionRoot } = context;
  const wholeValueType = error.keyword === 'type' && atDefinitionRoot;
  const what = subject(path, definition);
  switch (definition) {
    case 'duration':
      return ['BAD_DURATION', durationMessage(what, value)];
    case 'port':
      return ['BAD_PORT', portMessage(value)];
    case 'protocol':
      return [
        'BAD_PROTOCOL',
        typeof value === 'string'
          ? `${what} "${value}" is not supported; expected TCP, UDP or SCTP`
          : `${what} must be TCP, UDP or SCTP; found ${describe(value)}`,
      ];
    case 'expectation':
      return ['BAD_VALUE', `expected "allow" or "deny" for ${what}, found ${shown(value)}`];
    case 'attempts':
      return [
        'BAD_VALUE',
        Number.isInteger(value)
          ? `${what} ${String(value)} is out of range; expected 1..100`
          : `${what} must be a whole number from 1 to 100; found ${describe(value)}`,
      ];
    case 'suiteName':
      if (typeof value === 'string')
        return [
          'BAD_VALUE',
          `${what} "${value}" is not a valid name; expected lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`,
        ];
      break;
    case 'recipeId':
      if (typeof value === 'string')
        return [
          'BAD_VALUE',
          `${what} "${value}" is not a recipe id; expected "NN", "NN-slug" or "NNa-slug", e.g. "02-limit-traffic-to-an-application"`,
        ];
      break;
    case 'namespaceName':
      if (typeof value === 'string')
        return ['BAD_VALUE', namespaceNameProblem(value) ?? `${what} is not valid`];
      break;
    case 'labelValue':
      return ['BAD_TYPE', labelValueMessage(what, value)];
    case 'assertionMap':
      if (wholeValueType)
        return ['BAD_TYPE', `an assertion must be a one-line string or a map; found ${describe(value)}`];
      break;
    case 'endpointMap':
      if (wholeValueType)
        return [
          'BAD_TYPE',
          `${what} must be an endpoint string (e.g. "shop/app=web") or a map with "namespace" and "pod"; found ${describe(value)}`,
        ];
      break;
    case 'labelSelector':
    case 'selectorMap':
      if (wholeValueType) return ['BAD_TYPE', selectorTypeMessage(what, path, value)];
      break;
    case 'skip':
      return [
        'BAD_TYPE',
        typeof value === 'string'
          ? `${what} reason must not be empty; write "skip: true" to skip without one`
          : `${what} must be true, false or a reason; found ${describe(value)}`,
      ];
  }
  return genericMessage(context, what);
}

function genericMessage({ error, value }: SchemaErrorContext, what: string): Explained {
  switch (error.keyword) {
    case 'type': {
      const type = String(error.params['type']);
      return ['BAD_TYPE', `${what} must be ${TYPE_NOUNS[type] ?? type}; found ${describe(value)}`];
    }
    case 'const':
      return [
        'BAD_VALUE',
        `expected ${JSON.stringify(error.params['allowedValue'])} for ${what}, found ${shown(value)}`,
      ];
    case 'enum': {
      const allowed = (error.params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v));
      return ['BAD_VALUE', `expected ${orList(allowed)} for ${what}, found ${shown(value)}`];
    }
    case 'minLength':
      return ['BAD_VALUE', `${what} must not be empty`];
    default:
      return ['SCHEMA', `${what} ${error.message ?? 'is not valid'}`];
  }
}

function durationMessage(what: string, value: unknown): string {
  if (typeof value === 'number' || (typeof value === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(value)))
    return `${what} ${String(value)} has no unit; expected a duration such as ${DURATION_EXAMPLES}`;
  if (typeof value === 'string')
    return `${what} "${value}" is not a duration; expected e.g. ${DURATION_EXAMPLES}`;
  return `${what} must be a duration such as ${DURATION_EXAMPLES}; found ${describe(value)}`;
}

function portMessage(value: unknown): string {
  if (Number.isInteger(value)) return portOutOfRange(String(value));
  if (typeof value === 'string' && /^[0-9]+$/.test(value))
    return `port "${value}" is quoted; expected a number without quotes (1..65535) or ${PORT_NAME_RULES}`;
  if (typeof value === 'string')
    return `port "${value}" is not a valid port; expected a number 1..65535 or ${PORT_NAME_RULES}`;
  return `port must be a number 1..65535 or ${PORT_NAME_RULES}; found ${describe(value)}`;
}

function labelValueMessage(what: string, value: unknown): string {
  const quoteHint =
    typeof value === 'number' || typeof value === 'boolean' ? ` (quote it: "${String(value)}")` : '';
  return `${what} must be a string; found ${describe(value)}${quoteHint}`;
}

function selectorTypeMessage(what: string, path: ValuePath, value: unknown): string {
  const expected =
    path[path.length - 1] === 'namespace'
      ? 'a namespace name, "*", a label map (e.g. {team: operations}) or matchLabels/matchExpressions'
      : 'a label map (e.g. {app: web}) or matchLabels/matchExpressions';
  return `${what} must be ${expected}; found ${describe(value)}`;
}

/** How a message names the value at `path`. */
function subject(path: ValuePath, definition: string): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === undefined) return 'the suite';
  if (definition === 'labelValue') return typeof last === 'string' ? `label "${last}"` : 'label value';
  if (typeof last === 'number')
    return (typeof parent === 'string' ? ITEM_NOUNS[parent] : undefined) ?? `item ${last + 1}`;
  if (parent === 'metadata' || parent === 'defaults') return `${parent}.${last}`;
  return last;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'a map';
    default:
      return typeof value;
  }
}

/** Strings as the user typed them, anything else described. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describe(value);
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1] ?? ''}`;
}
