import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';

const schema: unknown = JSON.parse(
  readFileSync(new URL('../../schemas/suite.schema.json', import.meta.url), 'utf8'),
);
const VALID = new URL('../fixtures/suites/valid/', import.meta.url);

function compile(options: ConstructorParameters<typeof Ajv>[0]) {
  return new Ajv(options).compile(schema as object);
}

test('the suite schema compiles in ajv strict mode', () => {
  assert.doesNotThrow(() => compile({ strict: true, allErrors: true }));
});

test('the schema has an $id and a description on every definition, for editors', () => {
  const { $id, description, definitions } = schema as {
    $id: string;
    description: string;
    definitions: Record<string, { description?: string }>;
  };
  assert.match($id, /^https:\/\/.+\/suite\.schema\.json$/);
  assert.ok(description.length > 0);
  const undocumented = Object.entries(definitions)
    .filter(([, definition]) => !definition.description)
    .map(([name]) => name);
  assert.deepEqual(undocumented, []);
});

test('every Suite document among the valid fixtures validates against the schema', () => {
  const validate = compile({ strict: true, allErrors: true });
  const files = readdirSync(VALID).filter((name) => name.endsWith('.yaml'));
  assert.ok(files.length >= 3);
  let suites = 0;
  for (const name of files) {
    for (const document of parseAllDocuments(readFileSync(new URL(name, VALID), 'utf8'))) {
      const value: unknown = document.toJS();
      if ((value as { kind?: unknown }).kind !== 'Suite') continue;
      suites++;
      assert.equal(validate(value), true, `${name}: ${JSON.stringify(validate.errors)}`);
    }
  }
  assert.ok(suites >= 4);
});

test('the schema refuses what the contract refuses', () => {
  const validate = compile({ strict: true, allErrors: true });
  const base = { apiVersion: 'netpol-assert/v1', kind: 'Suite', metadata: { name: 's' } };
  const refused: unknown[] = [
    { ...base, apiVersion: 'v1' },
    { ...base, extra: true },
    { ...base, defaults: { timeout: 2 } },
    { ...base, assertions: [{ from: 'a/b', to: 'c/d', expect: 'allow', expct: 'x' }] },
    { ...base, assertions: [{ from: 'a/b', to: 'c/d', expect: 'permit' }] },
    { ...base, assertions: [{ from: 'a/b', to: 'c/d', expect: 'allow', port: 70000 }] },
    { ...base, assertions: [{ from: 'a/b', to: 'c/d', expect: 'allow', protocol: 'icmp' }] },
    { ...base, assertions: [{ from: { namespace: 'a/b' }, to: 'c/d', expect: 'allow' }] },
    { ...base, assertions: [42] },
    { ...base, recipes: ['limit-traffic'] },
  ];
  for (const value of refused) assert.equal(validate(value), false, JSON.stringify(value));
});
