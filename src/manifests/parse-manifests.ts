/**
 * Manifest text to objects: multi-document YAML (JSON is YAML too), with `kind: List`
 * and typed lists (`PodList`, as `kubectl get -o yaml` and the API write them) expanded
 * into their items, and every object placed at its file:line:col. What the API server
 * would refuse of the kinds the state is read from (api-checks.ts) is an error here, so
 * every manifest a user wrote is judged as applying it would judge it.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node } from 'yaml';
import { compareInFile, problemAt } from '../shared/index.js';
import { explainYamlError } from '../suite/index.js';
import type { SourceLocation } from '../shared/index.js';
import type { FieldPath, ManifestError, ManifestObject } from './manifest-object.js';
import { apiProblems } from './api-checks.js';
import { isRecord } from './manifest-fields.js';

export interface ParsedManifests {
  readonly objects: ManifestObject[];
  readonly errors: ManifestError[];
}

export function parseManifests(text: string, file: string): ParsedManifests {
  const lineCounter = new LineCounter();
  // Merge keys (`<<: *base`) as sigs.k8s.io/yaml reads them.
  const documents = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false });
  const at = (offset: number): SourceLocation => ({ file, ...lineCounter.linePos(offset) });
  const result: ParsedManifests = { objects: [], errors: [] };
  for (const document of documents) collectDocument(document, { at, text }, result);
  return result;
}

/** Where an offset of the file stands, and the file's text for excerpts. */
interface FileText {
  readonly at: (offset: number) => SourceLocation;
  readonly text: string;
}

function collectDocument(document: Document.Parsed, file: FileText, result: ParsedManifests): void {
  if (document.errors.length > 0) {
    // Worded as for suites: an unclosed bracket is shown where it opens, not lines later.
    const problems = document.errors.map((error) => {
      const { message, offset } = explainYamlError(error, file.text, document.range[0]);
      return problemAt('YAML_SYNTAX', message, file.at(offset), file.text);
    });
    result.errors.push(...problems.sort(compareInFile));
    return;
  }
  const node = document.contents;
  const value: unknown = document.toJS({ maxAliasCount: 1000 });
  // An empty document (a trailing `---`, a file of comments) holds no object.
  if (node === null || value === null || value === undefined) return;
  collectObject(value, node, file, result, undefined);
}

/** What a typed list (`PodList`) says of items that carry no apiVersion/kind of their own. */
interface ListDefaults {
  readonly apiVersion: unknown;
  readonly kind: string;
}

function collectObject(
  value: unknown,
  node: Node,
  file: FileText,
  result: ParsedManifests,
  defaults: ListDefaults | undefined,
): void {
  const location = file.at(startOf(node));
  if (!isRecord(value)) {
    const message = 'expected a Kubernetes object (a map)';
    result.errors.push(problemAt('NOT_AN_OBJECT', message, location, file.text));
    return;
  }
  const object = defaults === undefined ? value : withListDefaults(value, defaults);
  if (isList(object)) {
    collectListItems(object, node, file, result);
    return;
  }
  const missing = missingFields(object);
  if (missing.length > 0) {
    const message = `missing ${missing.join(', ')}: every object needs apiVersion, kind and metadata.name`;
    result.errors.push(problemAt('MISSING_FIELD', message, location, file.text));
    return;
  }
  const locate = (path: FieldPath): SourceLocation => file.at(startOf(nodeAt(node, path)));
  const locateKey = (path: FieldPath): SourceLocation => file.at(startOf(keyAt(node, path)));
  result.errors.push(...apiProblems(object, { value: locate, key: locateKey, source: file.text }));
  result.objects.push({ object, location, locate, source: file.text });
}

/** Parsed nodes always have a range; nodes made in code may not. */
function startOf(node: Node): number {
  return node.range?.[0] ?? 0;
}

/** The node a path leads to, or the deepest one on the way that exists. */
function nodeAt(root: Node, path: FieldPath): Node {
  let current = root;
  for (const key of path) {
    const next: unknown = isMap(current) || isSeq(current) ? current.get(key, true) : undefined;
    if (!isNode(next)) return current;
    current = next;
  }
  return current;
}

/** The key of the field a path ends at, where it is a map's key; else where its value is. */
function keyAt(root: Node, path: FieldPath): Node {
  const parent = nodeAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  const pair = isMap(parent)
    ? parent.items.find((item) => isScalar(item.key) && item.key.value === last)
    : undefined;
  return pair !== undefined && isNode(pair.key) ? pair.key : nodeAt(root, path);
}

function withListDefaults(item: Record<string, unknown>, defaults: ListDefaults): Record<string, unknown> {
  return { apiVersion: defaults.apiVersion, kind: defaults.kind, ...item };
}

function isList(object: Record<string, unknown>): boolean {
  return typeof object.kind === 'string' && object.kind.endsWith('List') && 'items' in object;
}

function collectListItems(
  list: Record<string, unknown>,
  node: Node,
  file: FileText,
  result: ParsedManifests,
): void {
  const itemsNode = isMap(node) ? node.get('items', true) : undefined;
  const items = list.items ?? [];
  if (!Array.isArray(items) || !isSeq(itemsNode)) {
    if (items === null || (Array.isArray(items) && items.length === 0)) return;
    const message = 'items: expected a list of objects';
    result.errors.push(problemAt('BAD_VALUE', message, file.at(startOf(node)), file.text));
    return;
  }
  const kind = String(list.kind);
  // `kind: List` says nothing of its items; `PodList` says they are Pods of its apiVersion.
  const defaults =
    kind === 'List' ? undefined : { apiVersion: list.apiVersion, kind: kind.slice(0, -'List'.length) };
  items.forEach((item, index) => {
    const itemNode = itemsNode.items[index];
    if (itemNode !== undefined && isNode(itemNode)) collectObject(item, itemNode, file, result, defaults);
  });
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value && Array.isArray(value.range);
}

function missingFields(object: Record<string, unknown>): string[] {
  const missing: string[] = [];
  if (!isNonEmptyString(object.apiVersion)) missing.push('apiVersion');
  if (!isNonEmptyString(object.kind)) missing.push('kind');
  const metadata = object.metadata;
  if (!isRecord(metadata) || !isNonEmptyString(metadata.name)) missing.push('metadata.name');
  return missing;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
