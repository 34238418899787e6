/**
 * What the API server would refuse in a manifest of a kind the state is read from, before
 * any controller sees it, checked offline: an apiVersion that does not serve the kind, a
 * misspelt kind, a field the kind does not have (strict field validation, kubectl's
 * default since 1.27), object names, label keys and values. Objects of other kinds and
 * other API groups (ConfigMaps, Calico's policies) are not this reader's to judge.
 *
 * The fields come from api-fields.json, written by scripts/api-fields.ts from the
 * Kubernetes client's models and the lab's CRDs, so a field newer than that client's
 * Kubernetes version is refused here even where a newer API server would take it.
 */
import { closestName, compareInFile, problemAt } from '../shared/index.js';
import type { SourceLocation } from '../shared/index.js';
import { labelKeyProblem, labelValueProblem } from '../policy/index.js';
import { namespaceNameProblem, objectNameProblem, serviceNameProblem } from '../suite/index.js';
import apiFields from './api-fields.json' with { type: 'json' };
import { formatFieldPath } from './manifest-object.js';
import type { FieldPath, ManifestError, ManifestErrorCode } from './manifest-object.js';
import { isRecord, valueAt } from './manifest-fields.js';
import { apiGroup } from './manifest-kinds.js';
import type { JsonObject } from './manifest-fields.js';

/** Where a manifest's fields are written, and its text for the excerpt. */
export interface ManifestPlaces {
  /** Where the value at `path` is written (or the nearest enclosing one that is). */
  readonly value: (path: FieldPath) => SourceLocation;
  /** Where the key of the field at `path` is written: the place of a field that should not be there. */
  readonly key: (path: FieldPath) => SourceLocation;
  readonly source: string;
}

const KINDS: Readonly<Record<string, string>> = apiFields.kinds;
const TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = apiFields.types;
/** Objects that set exactly one of their fields: the policy model says what else they may not hold. */
const EXACTLY_ONE: ReadonlySet<string> = new Set(apiFields.exactlyOne);

/**
 * Groups whose kinds Kubernetes itself serves, or served and removed (extensions), where
 * a kind the state is read from under the wrong apiVersion is a mistake, not someone
 * else's resource of the same name.
 */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'batch',
  'networking.k8s.io',
  'extensions',
  'policy',
]);

/** The built-in kinds (not the CRDs) with the one apiVersion that serves each. */
const SERVED_AS: ReadonlyMap<string, string> = new Map(
  Object.keys(KINDS)
    .map((key) => key.split(' ') as [string, string])
    .filter(([apiVersion]) => BUILT_IN_GROUPS.has(apiGroup(apiVersion)))
    .map(([apiVersion, kind]) => [kind, apiVersion]),
);

export function apiProblems(object: JsonObject, places: ManifestPlaces): ManifestError[] {
  const problems: ManifestError[] = [];
  const report: Report = (code, path, message, at = places.value) =>
    void problems.push(problemAt(code, `${formatFieldPath(path)}: ${message}`, at(path), places.source));
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  const type = KINDS[`${apiVersion} ${kind}`];
  if (type === undefined) {
    kindProblem(apiVersion, kind, report);
    return problems;
  }
  checkFields(object, type, [], { report, unknownAt: places.key });
  checkName(kind, object, report);
  return problems.sort(compareInFile);
}

type Report = (
  code: ManifestErrorCode,
  path: FieldPath,
  message: string,
  at?: (path: FieldPath) => SourceLocation,
) => void;

/** A kind the state is read from under an apiVersion that does not serve it, or a near miss of one. */
function kindProblem(apiVersion: string, kind: string, report: Report): void {
  const group = apiGroup(apiVersion);
  if (!BUILT_IN_GROUPS.has(group)) return;
  const served = SERVED_AS.get(kind);
  if (served !== undefined) {
    report('BAD_API_VERSION', ['apiVersion'], `${kind} is not served as ${apiVersion}: write ${served}`);
    return;
  }
  const sameGroup = [...SERVED_AS].filter(([, version]) => apiGroup(version) === group).map(([name]) => name);
  const meant = closestName(kind, sameGroup);
  if (meant !== undefined)
    report('UNKNOWN_KIND', ['kind'], `"${kind}" is not a kind of ${apiVersion} (did you mean "${meant}"?)`);
}

interface FieldCheck {
  readonly report: Report;
  /** Where an unknown field is shown: at its key. */
  readonly unknownAt: (path: FieldPath) => SourceLocation;
}

/**
 * Every field of `value` against its type, lists and maps followed, and the labels of
 * every ObjectMeta met (the object's own, a pod template's). Scalar values are the
 * readers' to check, with messages about what they mean.
 */
function checkFields(value: unknown, type: string, path: FieldPath, check: FieldCheck): void {
  if (type.startsWith('[]')) {
    if (Array.isArray(value))
      value.forEach((item, i) => checkFields(item, type.slice(2), [...path, i], check));
    return;
  }
  if (type.startsWith('{}')) {
    if (isRecord(value))
      for (const [key, item] of Object.entries(value))
        checkFields(item, type.slice(2), [...path, key], check);
    return;
  }
  const fields = TYPES[type];
  if (fields === undefined || !isRecord(value)) return;
  if (type === OBJECT_META) checkLabels(value.labels, [...path, 'labels'], check.report);
  for (const [key, item] of Object.entries(value)) {
    const fieldType = fields[key];
    if (fieldType !== undefined) checkFields(item, fieldType, [...path, key], check);
    else if (!EXACTLY_ONE.has(type))
      check.report('UNKNOWN_FIELD', [...path, key], unknownField(key, Object.keys(fields)), check.unknownAt);
  }
}

const OBJECT_META = 'V1ObjectMeta';

function unknownField(key: string, known: readonly string[]): string {
  const meant = closestName(key, known);
  const hint = meant === undefined ? '' : ` (did you mean "${meant}"?)`;
  return `unknown field "${key}"${hint}: the API server would refuse it (strict field validation)`;
}

function checkLabels(labels: unknown, path: FieldPath, report: Report): void {
  if (!isRecord(labels)) return;
  for (const [key, value] of Object.entries(labels)) {
    const problem =
      labelKeyProblem(key) ?? (typeof value === 'string' ? labelValueProblem(value) : undefined);
    if (problem !== undefined) report('BAD_VALUE', [...path, key], problem);
  }
}

/** The object's name as its kind allows: a DNS label for namespaces, RFC 1035 for services. */
function checkName(kind: string, object: JsonObject, report: Report): void {
  const name = valueAt(object, 'metadata', 'name');
  if (typeof name !== 'string') return;
  const problem =
    kind === 'Namespace'
      ? namespaceNameProblem(name)
      : kind === 'Service'
        ? serviceNameProblem(name)
        : objectNameProblem(kind, name);
  if (problem !== undefined) report('BAD_VALUE', ['metadata', 'name'], problem);
}
