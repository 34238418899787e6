/**
 * The ajv validator of schemas/suite.schema.json, compiled when first asked for. The
 * built CLI bundle replaces this module with suiteValidatorSource()'s precompiled one
 * (src/cli-bundle), which returns the same errors without ajv's compiler at start-up.
 */
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import suiteSchema from '../../schemas/suite.schema.json' with { type: 'json' };

/** verbose: errors carry their parent schema, which tells which definition failed. */
export const SUITE_VALIDATOR_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: true,
} as const satisfies Options;

export function suiteValidator(): ValidateFunction {
  return new Ajv(SUITE_VALIDATOR_OPTIONS).compile(suiteSchema);
}
