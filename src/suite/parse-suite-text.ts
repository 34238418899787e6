/**
 * One suite file's text into suites, without I/O: YAML with positions, then the schema,
 * then the grammar and everything the schema cannot say. Every problem of every document
 * is collected; a document with a YAML syntax error is not checked further, the others are.
 */
import { isScalar, LineCounter, parseAllDocuments, type Document, type YAMLError } from 'yaml';
import { assertNever } from '../shared/index.js';
import { explainYamlError } from './explain-yaml-error.js';
import { NodeLocator } from './locate-node.js';
import type { Problem, ResolveContext } from './resolve-context.js';
import { resolveSuite, type SetupReference } from './resolve-suite.js';
import { isPlainMap } from './resolve-selector.js';
import { compareInFile, problemAt } from '../shared/index.js';
import type { SourceLocation, Suite, SuiteError } from './types.js';
import { validateSuiteSchema, valueAt } from './validate-schema.js';

export interface SuiteParse {
  /** Empty unless `errors` is: nothing half-checked is handed on. */
  readonly suites: Suite[];
  readonly errors: SuiteError[];
}

export interface SuiteDocuments extends SuiteParse {
  /** Every setup path named, also in documents with problems, so all can be checked at once. */
  readonly setup: readonly SetupReference[];
  /**
   * Every document is some other tool's (a Kubernetes manifest: `apiVersion` not
   * `netpol-assert/...` and `kind` not `Suite`). Folder loading skips such files, so
   * manifests can live next to the suites that apply them.
   */
  readonly foreign: boolean;
}

export function parseSuiteText(text: string, file: string): SuiteParse {
  const { suites, errors } = parseSuiteDocuments(text, file);
  return { suites, errors };
}

export function parseSuiteDocuments(text: string, file: string): SuiteDocuments {
  const lineCounter = new LineCounter();
  // `merge`: `<<: *anchor` is common in Kubernetes YAML, and harmless here.
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, merge: true });
  const list = Array.isArray(documents) ? documents : [];
  const errors: SuiteError[] = [];
  const suites: Suite[] = [];
  const setup: SetupReference[] = [];
  let suiteDocuments = 0;
  let foreignDocuments = 0;
  for (const document of list) {
    const locator = new NodeLocator(document, lineCounter, file, text);
    if (document.errors.length > 0) {
      errors.push(...document.errors.map((e) => yamlError(e, document, locator, text)));
      continue;
    }
    if (isEmpty(document)) continue;
    const checked = checkDocument(document, locator, text, file);
    if (checked.foreign) foreignDocuments++;
    else suiteDocuments++;
    errors.push(...checked.errors);
    setup.push(...checked.setup);
    if (checked.suite !== undefined) suites.push(checked.suite);
  }
  if (errors.length === 0 && suiteDocuments === 0 && foreignDocuments === 0)
    errors.push(
      problemAt(
        'MISSING_KEY',
        'the file holds no suite; expected a document with "kind: Suite"',
        {
          file,
          line: 1,
          col: 1,
        },
        text,
      ),
    );
  errors.sort(compareInFile);
  const foreign = foreignDocuments > 0 && suiteDocuments === 0 && list.every((d) => d.errors.length === 0);
  return { suites: errors.length === 0 ? suites : [], errors, setup, foreign };
}

interface CheckedDocument {
  readonly suite?: Suite;
  readonly errors: SuiteError[];
  readonly setup: readonly SetupReference[];
  readonly foreign: boolean;
}

function checkDocument(
  document: Document,
  locator: NodeLocator,
  text: string,
  file: string,
): CheckedDocument {
  const errors: SuiteError[] = [];
  const toError = (p: Problem): SuiteError => problemAt(p.code, p.message, locate(locator, p), text);
  let root: unknown;
  try {
    root = document.toJS();
  } catch (error) {
    // e.g. too many aliases: the YAML is valid but not something a suite can be.
    const message = error instanceof Error ? error.message : String(error);
    return {
      errors: [problemAt('YAML_SYNTAX', message, locator.value([]), text)],
      setup: [],
      foreign: false,
    };
  }
  const kind = isPlainMap(root) ? root['kind'] : undefined;
  if (typeof kind === 'string' && kind !== 'Suite') {
    const foreign = isForeign(root);
    const hint = foreign ? '; manifests belong under "setup", not among suites' : '';
    const message = `expected kind "Suite", found ${JSON.stringify(kind)}${hint}`;
    return { errors: [problemAt('BAD_VALUE', message, locator.value(['kind']), text)], setup: [], foreign };
  }
  const schemaProblems = validateSuiteSchema(root);
  errors.push(...schemaProblems.map(toError));
  const covered = schemaProblems.filter((p) => p.covers).map((p) => p.where.path);
  const context: ResolveContext = {
    file,
    report: (code, message, where) => errors.push(toError({ code, message, where })),
    isFlagged: (path) =>
      covered.some((c) => c.length <= path.length && c.every((step, i) => step === path[i])),
    locate: (path) => locator.value(path),
  };
  const { suite, setup } = resolveSuite(root, context);
  return { ...(suite !== undefined && errors.length === 0 ? { suite } : {}), errors, setup, foreign: false };
}

function isForeign(root: unknown): boolean {
  const apiVersion = valueAt(root, ['apiVersion']);
  return typeof apiVersion === 'string' && !apiVersion.startsWith('netpol-assert/');
}

function locate(locator: NodeLocator, problem: Problem): SourceLocation {
  const { where } = problem;
  switch (where.at) {
    case 'value':
      return locator.value(where.path);
    case 'key':
      return locator.key(where.path);
    case 'offset':
      return locator.inScalar(where.path, where.offset);
    default:
      return assertNever(where);
  }
}

function yamlError(error: YAMLError, document: Document, locator: NodeLocator, text: string): SuiteError {
  const { message, offset } = explainYamlError(error, text, document.range?.[0] ?? 0);
  return problemAt('YAML_SYNTAX', message, locator.at(offset), text);
}

/** `---` followed by nothing (or only comments): no document to check. */
function isEmpty(document: Document): boolean {
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.value === null && contents.source === '');
}
