/**
 * The CLI bundle validates suites with suiteValidatorSource()'s precompiled code instead
 * of compiling the schema at start-up. Both must report the same ajv errors for every
 * suite in the fixtures, and each error's parent schema must be the very object of the
 * imported schema (validate-schema.ts names definitions by that identity).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import suiteSchema from '../../schemas/suite.schema.json' with { type: 'json' };
import { suiteValidator } from '../../src/suite/suite-validator.js';
import { suiteValidatorSource } from '../../src/suite/suite-validator-source.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SCHEMA_PATH = join(ROOT, 'schemas/suite.schema.json');

async function precompiled(): Promise<ValidateFunction> {
  const folder = await mkdtemp(join(tmpdir(), 'npa-suite-validator-'));
  try {
    const file = join(folder, 'suite-validator.mjs');
    await writeFile(file, suiteValidatorSource(SCHEMA_PATH));
    const module = (await import(pathToFileURL(file).href)) as { suiteValidator: () => ValidateFunction };
    return module.suiteValidator();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function fixtureDocuments(): Promise<[string, unknown][]> {
  const documents: [string, unknown][] = [];
  for (const folder of ['test/fixtures/suites', 'suites']) {
    const names = await readdir(join(ROOT, folder), { recursive: true });
    for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const text = await readFile(join(ROOT, folder, name), 'utf8');
      parseAllDocuments(text).forEach((document, index) => {
        if ('toJS' in document) documents.push([`${folder}/${name}#${index}`, document.toJS()]);
      });
    }
  }
  return documents;
}

/** An error without its parent schema, which is compared by identity instead. */
function comparable(error: ErrorObject): Omit<ErrorObject, 'parentSchema'> {
  const rest: Partial<ErrorObject> = { ...error };
  delete rest.parentSchema;
  return rest as Omit<ErrorObject, 'parentSchema'>;
}

test('the precompiled suite validator reports what the compiled one does, for every fixture suite', async () => {
  const [compiled, standalone] = [suiteValidator(), await precompiled()];
  const documents = await fixtureDocuments();
  let errors = 0;
  for (const [where, value] of documents) {
    assert.equal(standalone(value), compiled(value), where);
    const [expected, actual] = [compiled.errors ?? [], standalone.errors ?? []];
    assert.deepEqual(actual.map(comparable), expected.map(comparable), where);
    actual.forEach((error, index) =>
      assert.ok(error.parentSchema === expected[index]?.parentSchema, `${where}: ${error.schemaPath}`),
    );
    errors += actual.length;
  }
  assert.ok(
    errors >= 32,
    `only ${errors} errors in ${documents.length} documents: the fixtures prove little`,
  );
});

test('the precompiled validator takes its schema objects from the schema module, not copies', () => {
  const source = suiteValidatorSource(SCHEMA_PATH);
  assert.doesNotMatch(source, /const schema\d+ = \{/);
  assert.match(source, /const schema\d+ = suiteSchema;/);
  for (const name of ['port', 'duration', 'assertionMap'])
    assert.ok(name in suiteSchema.definitions && source.includes(`suiteSchema.definitions["${name}"]`), name);
});
