/**
 * The layer rule (eslint/layers.js) must bite: a lower layer reaching up, or a deep import
 * past another folder's index.ts, is a lint error; the same import through the door is not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  assert.ok(result, 'eslint returned no result');
  return result.messages
    .filter((message) => message.ruleId === 'import-x/no-restricted-paths')
    .map((message) => message.message);
}

test('the model (src/policy) may not import the live client (src/cluster)', async () => {
  const errors = await layerErrors(
    'src/policy/violation.ts',
    "import { KubeCluster } from '../cluster/index.js';\nexport const x = KubeCluster;\n",
  );
  assert.equal(errors.length, 1);
  assert.match(errors[0] ?? '', /src\/policy may not import src\/cluster/);
});

test('the suite parser (src/suite) may not import the reporters (src/report)', async () => {
  const errors = await layerErrors(
    'src/suite/violation.ts',
    "import { REPORTER_NAMES } from '../report/index.js';\nexport const x = REPORTER_NAMES;\n",
  );
  assert.equal(errors.length, 1);
  assert.match(errors[0] ?? '', /src\/suite may not import src\/report/);
});

test('the CLI may import the model only through src/policy/index.ts', async () => {
  const deep = await layerErrors(
    'src/cli/violation.ts',
    "import { decide } from '../policy/decide.js';\nexport const x = decide;\n",
  );
  assert.equal(deep.length, 1);
  assert.match(deep[0] ?? '', /import src\/policy through its index\.ts/);
  const door = await layerErrors(
    'src/cli/violation.ts',
    "import { decide } from '../policy/index.js';\nexport const x = decide;\n",
  );
  assert.deepEqual(door, []);
});

test('inside the lab, a part enters another part through its index.ts', async () => {
  const deep = await layerErrors(
    'src/lab/lifecycle/violation.ts',
    "import { spawnSupervisor } from '../supervisor/spawn-supervisor.js';\nexport const x = spawnSupervisor;\n",
  );
  assert.equal(deep.length, 1);
  assert.match(deep[0] ?? '', /import src\/lab\/supervisor through its index\.ts/);
});
