/** The JSON report a run wrote (`--json FILE`), checked against schemas/report.schema.json. */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import reportSchema from '../../schemas/report.schema.json' with { type: 'json' };
import type { JsonReport } from '../report/index.js';

export type ReadReport =
  | { readonly kind: 'report'; readonly report: JsonReport }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly problem: string };

const validate = new Ajv({ allErrors: true, strict: true }).compile<JsonReport>(reportSchema);

/** A run that stopped before judging (exit 2, 3, 130) writes no report: that is `missing`, not an error. */
export async function readReport(file: string): Promise<ReadReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', problem: `${file}: not JSON: ${(error as Error).message}` };
  }
  if (validate(value)) return { kind: 'report', report: value };
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  return { kind: 'invalid', problem: `${file}: not a netpol-assert report: ${problems.join('; ')}` };
}
