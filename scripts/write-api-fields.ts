/**
 * `npm run generate:api-fields`: writes src/manifests/api-fields.json from the installed
 * @kubernetes/client-node and the lab's CRDs (see scripts/api-fields.ts). Run it after
 * upgrading the client; test/manifests/api-fields.test.ts says when it is due.
 */
import { writeFile } from 'node:fs/promises';
import { apiFields, API_FIELDS_FILE, installedClientVersion } from './api-fields.js';

const table = apiFields(await installedClientVersion());
await writeFile(API_FIELDS_FILE, `${JSON.stringify(table, null, 2)}\n`);
process.stdout.write(
  `write-api-fields: ${Object.keys(table.kinds).length} kinds, ${Object.keys(table.types).length} types into ${API_FIELDS_FILE}\n`,
);
