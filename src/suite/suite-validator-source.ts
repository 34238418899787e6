/**
 * The suite validator as ES module source, for the CLI bundle: ajv's standalone code for
 * schemas/suite.schema.json with the options suite-validator.ts compiles with.
 * validate-schema.ts names the definition an error came from by the identity of the
 * error's parent schema, so the schema objects in the code are not ajv's copies: each one
 * is taken from the imported schema module itself (the root or one of its definitions).
 */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import suiteSchema from '../../schemas/suite.schema.json' with { type: 'json' };
import { SUITE_VALIDATOR_OPTIONS } from './suite-validator.js';

const require = createRequire(import.meta.url);

type StandaloneCode = typeof standaloneModule.default;
// A CommonJS module: Node.js gives its exports as the default import, tsx its `default`.
const standaloneCode: StandaloneCode =
  (standaloneModule as { default?: StandaloneCode }).default ??
  (standaloneModule as unknown as StandaloneCode);

/**
 * Module source exporting `suiteValidator()` as suite-validator.ts does. `schemaPath` is
 * how the module imports schemas/suite.schema.json; ajv's runtime helpers are imported by
 * absolute path.
 */
export function suiteValidatorSource(schemaPath: string): string {
  const ajv = new Ajv({ ...SUITE_VALIDATOR_OPTIONS, code: { source: true, esm: true } });
  const code = standaloneCode(ajv, ajv.compile(suiteSchema));
  const [withSchemas, schemaCount] = schemasFromModule(code);
  if (schemaCount === 0) throw new Error('suiteValidatorSource: ajv emitted no schema constants');
  const [withImports, helpers] = helpersAsImports(withSchemas);
  return [
    `import suiteSchema from ${JSON.stringify(schemaPath)} with { type: 'json' };`,
    ...helpers,
    withImports.replace(/^"use strict";/, ''),
    'export function suiteValidator() { return validate; }',
    '',
  ].join('\n');
}

/** Each `const schemaN = {...};` (a JSON copy) becomes the very object of the imported schema. */
function schemasFromModule(code: string): [string, number] {
  const objects: [string, string][] = [
    ['suiteSchema', literal(suiteSchema)],
    ...Object.entries(suiteSchema.definitions).map(([name, definition]): [string, string] => [
      `suiteSchema.definitions[${JSON.stringify(name)}]`,
      literal(definition),
    ]),
  ];
  const literals = objects.map(([, text]) => text);
  if (new Set(literals).size !== literals.length)
    throw new Error(
      'suiteValidatorSource: two schema definitions are identical, so copies cannot be told apart',
    );
  let replaced = 0;
  const result = code.replace(
    /const (schema\d+) = (\{.*?\});(?=const |function |export |$)/gs,
    (whole, name: string, text: string) => {
      const found = objects.find(([, copy]) => copy === text);
      if (found === undefined) return whole;
      replaced++;
      return `const ${name} = ${found[0]};`;
    },
  );
  const left = (result.match(/const schema\d+ = \{/g) ?? []).length;
  if (left > 0)
    throw new Error(`suiteValidatorSource: ${left} schema constants are not part of the suite schema`);
  return [result, replaced];
}

/**
 * `require("ajv/dist/runtime/x").default` (CommonJS, even in ajv's ESM output) as imports.
 * Node.js gives a CommonJS module's default import as its `exports`, esbuild as its
 * `exports.default` when the module is marked `__esModule`: the helper is whichever holds it.
 */
function helpersAsImports(code: string): [string, string[]] {
  const imports = new Map<string, string>();
  const result = code.replace(
    /require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)\.default/g,
    (_whole, helper: string) => {
      let local = imports.get(helper);
      if (local === undefined) {
        local = `ajvRuntime${imports.size}`;
        imports.set(helper, local);
      }
      return `(${local}.default ?? ${local})`;
    },
  );
  if (/\brequire\(/.test(result))
    throw new Error('suiteValidatorSource: ajv emitted an unexpected require()');
  const lines = [...imports].map(
    ([helper, local]) => `import ${local} from ${JSON.stringify(require.resolve(helper))};`,
  );
  return [result, lines];
}

/** How ajv writes a schema object into code (JSON with U+2028/2029 escaped). */
function literal(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
