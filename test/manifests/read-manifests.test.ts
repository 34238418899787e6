import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseManifests, readManifests } from '../../src/manifests/index.js';
import { formatProblem } from '../../src/shared/index.js';
import type { ManifestObject } from '../../src/manifests/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));
const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

function summary(objects: readonly ManifestObject[]): string[] {
  return objects.map(
    ({ object }) => `${String(object.kind)} ${String((object.metadata as { name: string }).name)}`,
  );
}

test('a folder is read recursively, in name order, keeping only yaml, yml and json files', async () => {
  const { objects, errors } = await readManifests([fixture('shop')]);
  assert.deepEqual(errors, []);
  const files = [...new Set(objects.map((o) => o.location.file.slice(FIXTURES.length)))];
  assert.deepEqual(files, [
    'shop/00-namespace.yaml',
    'shop/10-nodes.yaml',
    'shop/20-workloads.yaml',
    'shop/30-pods.yaml',
    'shop/40-service.json',
    'shop/nested/50-policy.yml',
  ]);
});

test('every document of a multi-document file becomes an object, in document order', async () => {
  const { objects } = await readManifests([fixture('shop', '20-workloads.yaml')]);
  assert.deepEqual(summary(objects), [
    'Deployment web',
    'StatefulSet db',
    'DaemonSet agent',
    'Job migrate',
    'CronJob report',
    'ReplicaSet legacy',
  ]);
});

test('each object keeps the file, line and column where its map starts', async () => {
  const { objects } = await readManifests([fixture('shop', '20-workloads.yaml')]);
  const file = fixture('shop', '20-workloads.yaml');
  assert.deepEqual(objects[0]?.location, { file, line: 2, col: 1 });
  assert.deepEqual(objects[1]?.location, { file, line: 22, col: 1 });
});

test('a JSON file is read like YAML, with positions', async () => {
  const { objects, errors } = await readManifests([fixture('shop', '40-service.json')]);
  assert.deepEqual(errors, []);
  assert.deepEqual(summary(objects), ['Service web']);
  assert.deepEqual(objects[0]?.location, { file: fixture('shop', '40-service.json'), line: 1, col: 1 });
  assert.equal(objects[0]?.locate?.(['spec', 'clusterIP']).line, 7);
});

test('a kubectl List is expanded into its items, each at its own line', async () => {
  const { objects, errors } = await readManifests([fixture('kubectl-dump.yaml')]);
  assert.deepEqual(errors, []);
  assert.deepEqual(summary(objects), [
    'Deployment api',
    'ReplicaSet api-5d8f7b9c4',
    'Pod api-5d8f7b9c4-qx7zk',
    'Pod batch-7x2kq',
  ]);
  assert.deepEqual(
    objects.map((o) => o.location.line),
    [7, 19, 33, 51],
  );
});

test('items of a typed list such as PodList take their kind and apiVersion from the list', async () => {
  const { objects } = await readManifests([fixture('kubectl-dump.yaml')]);
  const batch = objects.at(-1)?.object;
  assert.equal(batch?.kind, 'Pod');
  assert.equal(batch?.apiVersion, 'v1');
});

test('an empty List and empty documents give no objects and no errors', () => {
  const text = '---\n# only a comment\n---\napiVersion: v1\nkind: List\nitems: []\n---\n';
  assert.deepEqual(parseManifests(text, 'empty.yaml'), { objects: [], errors: [] });
});

test('a YAML syntax error is reported at its line and column, and other documents still load', async () => {
  const file = fixture('invalid', 'yaml-syntax.yaml');
  const { objects, errors } = await readManifests([file]);
  assert.deepEqual(summary(objects), ['Namespace fine']);
  const [error, ...others] = errors;
  assert.ok(error);
  assert.deepEqual(others, []);
  assert.equal(error.code, 'YAML_SYNTAX');
  // yaml notices the unclosed flow map where the next document starts; it is shown where it opens.
  assert.deepEqual(error.location, { file, line: 5, col: 11 });
  assert.equal(error.message, 'this flow map is never closed; expected "}"');
  assert.equal(
    formatProblem(error),
    `${file}:5:11: error YAML_SYNTAX: ${error.message}\n  5 |   labels: { app: web\n    |           ^`,
  );
});

test('objects without apiVersion, kind or metadata.name are errors at the object', async () => {
  const file = fixture('invalid', 'missing-fields.yaml');
  const { objects, errors } = await readManifests([file]);
  assert.deepEqual(objects, []);
  assert.deepEqual(
    errors.map((e) => [e.code, e.location.line, e.location.col]),
    [
      ['MISSING_FIELD', 1, 1],
      ['MISSING_FIELD', 6, 1],
      ['NOT_AN_OBJECT', 10, 1],
    ],
  );
  assert.match(errors[0]?.message ?? '', /missing metadata\.name/);
  assert.match(errors[1]?.message ?? '', /missing apiVersion/);
});

test('a path that does not exist is an error naming it', async () => {
  const missing = fixture('no-such-folder');
  const { objects, errors } = await readManifests([missing, fixture('shop', '00-namespace.yaml')]);
  assert.deepEqual(summary(objects), ['Namespace shop']);
  assert.deepEqual(errors, [
    {
      code: 'FILE_NOT_FOUND',
      message: `no such file or folder: ${missing}`,
      location: { file: missing, line: 1, col: 1 },
    },
  ]);
});

test('a file named on the command line is read whatever its extension', async () => {
  // notes.md is one line of prose, which YAML reads as a one-key map: not a Kubernetes object.
  const { objects, errors } = await readManifests([fixture('shop', 'nested', 'notes.md')]);
  assert.deepEqual(objects, []);
  assert.deepEqual(
    errors.map((e) => e.code),
    ['MISSING_FIELD'],
  );
});

test('locate points at the deepest written part of a field path', () => {
  const text =
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      ports:\n        - containerPort: 80\n';
  const [pod] = parseManifests(text, 'pod.yaml').objects;
  assert.deepEqual(pod?.locate?.(['spec', 'containers', 0, 'ports', 0, 'containerPort']), {
    file: 'pod.yaml',
    line: 9,
    col: 26,
  });
  assert.equal(pod?.locate?.(['spec', 'containers', 0, 'image'])?.line, 7);
});
