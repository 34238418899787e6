/**
 * The field tree of every kind the cluster state is read from, as data for
 * src/manifests/api-fields.json: the built-in kinds from @kubernetes/client-node's models
 * (generated from the Kubernetes OpenAPI of the client's version), the
 * policy.networking.k8s.io kinds from the CRDs the lab installs. The manifest reader
 * checks manifests against it offline, as strict field validation would on the API server,
 * without loading the client. `npm run generate:api-fields` writes the file;
 * test/manifests/api-fields.test.ts fails when it is out of date.
 *
 * A field's type is `scalar`, `any` (not checked), a type's name, `[]T` (a list of T) or
 * `{}T` (a map of T).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as client from '@kubernetes/client-node';
import { CLUSTER_POLICY_CRDS } from '../src/lab/control-plane/index.js';

/** Where the table lives, beside the code that reads it. */
export const API_FIELDS_FILE = fileURLToPath(new URL('../src/manifests/api-fields.json', import.meta.url));

export interface ApiFields {
  /** The client the built-in kinds come from, e.g. `@kubernetes/client-node 1.4.0`. */
  readonly source: string;
  /** `apiVersion kind` to the type of the whole object. */
  readonly kinds: Readonly<Record<string, string>>;
  /** A type's fields, by their names in manifests, to their types. */
  readonly types: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Types that set exactly one of their fields (a cluster policy's peers, subject and
   * ports): the policy model names what such an object may hold better than "unknown".
   */
  readonly exactlyOne: readonly string[];
}

const BUILT_IN_KINDS: readonly (readonly [apiVersion: string, kind: string])[] = [
  ['v1', 'Namespace'],
  ['v1', 'Node'],
  ['v1', 'Pod'],
  ['v1', 'Service'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['apps/v1', 'ReplicaSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
];

/** What the models' `getAttributeTypeMap()` gives: wire name and TypeScript type of each field. */
interface Attribute {
  readonly baseName: string;
  readonly type: string;
}
type Model = { getAttributeTypeMap(): readonly Attribute[] };
type Types = Record<string, Record<string, string>>;
/** What a walk collects. */
interface Collected {
  readonly types: Types;
  readonly exactlyOne: string[];
}

export function apiFields(clientVersion: string): ApiFields {
  const types: Types = {};
  const exactlyOne: string[] = [];
  const kinds: Record<string, string> = {};
  for (const [apiVersion, kind] of BUILT_IN_KINDS)
    kinds[`${apiVersion} ${kind}`] = modelType(`V1${kind}`, types);
  for (const crd of CLUSTER_POLICY_CRDS) {
    for (const version of crd.spec.versions) {
      const root = `${crd.spec.names.kind}.${version.name}`;
      kinds[`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`] = root;
      schemaType(version.schema.openAPIV3Schema, root, { types, exactlyOne });
      // The CRD leaves metadata to the API server, which reads it as every object's ObjectMeta.
      const fields = types[root];
      if (fields !== undefined) fields.metadata = modelType('V1ObjectMeta', types);
    }
  }
  return {
    source: `@kubernetes/client-node ${clientVersion}`,
    kinds,
    types: sortedTypes(types),
    exactlyOne: exactlyOne.sort(),
  };
}

/** The version of @kubernetes/client-node that is installed, from its package.json. */
export async function installedClientVersion(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('@kubernetes/client-node');
  const packageJson = new URL('../package.json', `file://${main.replace(/\/dist\/.*$/, '/dist/')}`);
  const text = await readFile(packageJson, 'utf8');
  return String((JSON.parse(text) as { version?: unknown }).version);
}

/** A client model and every model it reaches, into `types`; returns the field type to write. */
function modelType(type: string, types: Types): string {
  const list = /^Array<(.+)>$/.exec(type);
  if (list?.[1] !== undefined) return `[]${modelType(list[1], types)}`;
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1] !== undefined) return `{}${modelType(map[1], types)}`;
  if (['string', 'number', 'boolean', 'Date', 'IntOrString'].includes(type)) return 'scalar';
  const model = modelClass(type);
  if (model === undefined) return 'any';
  if (types[type] === undefined) {
    const fields: Record<string, string> = {};
    types[type] = fields;
    for (const attribute of model.getAttributeTypeMap())
      fields[attribute.baseName] = modelType(attribute.type, types);
  }
  return type;
}

function modelClass(name: string): Model | undefined {
  const exported: unknown = (client as Record<string, unknown>)[name];
  return typeof exported === 'function' && 'getAttributeTypeMap' in exported
    ? (exported as Model)
    : undefined;
}

/** A CRD's structural schema, as the same field types. */
function schemaType(schema: Readonly<Record<string, unknown>>, name: string, into: Collected): string {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return 'any';
  if (schema.type === 'array') return `[]${schemaType(record(schema.items), `${name}[]`, into)}`;
  if (schema.type !== 'object') return 'scalar';
  if (isRecord(schema.additionalProperties))
    return `{}${schemaType(schema.additionalProperties, `${name}{}`, into)}`;
  if (!isRecord(schema.properties)) return 'any';
  const fields: Record<string, string> = {};
  into.types[name] = fields;
  if (schema.maxProperties === 1) into.exactlyOne.push(name);
  for (const [field, property] of Object.entries(schema.properties))
    fields[field] = schemaType(record(property), `${name}.${field}`, into);
  return name;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return isRecord(value) ? value : {};
}

/** In name order, so the file changes only where the API does. */
function sortedTypes(types: Types): Types {
  return Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
