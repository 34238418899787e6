/**
 * The payload `npm run build:agent` makes: an agent bundle that runs with nothing beside
 * it, a static netpol-probe, and a manifest by which a checkout tells a stale payload
 * and rebuilds it, while an installed package never rebuilds. Needs musl-gcc (Debian's
 * musl-tools, which `npm run setup:lab` installs); skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import {
  AgentPayloadMissing,
  agentPayload,
  ensureAgentPayload,
  isStaticElf,
  packageRoot,
  packageVersion,
  payloadImages,
  payloadSources,
  payloadState,
} from '../../src/agent-payload/index.js';
import type { ReadyPayload } from '../../src/agent-payload/index.js';
import { DEFAULT_AGENT_IMAGE } from '../../src/shared/index.js';

const ROOT = packageRoot();
const noMusl = await execa('musl-gcc', ['--version'], { reject: false }).then((result) =>
  result.failed ? 'needs musl-gcc (apt-get install -y musl-tools, or npm run setup:lab)' : false,
);

test("the CLI's default --image is the published image at the package version, which the payload is known as", () => {
  assert.equal(DEFAULT_AGENT_IMAGE, `ghcr.io/netpol-assert/agent:${packageVersion(ROOT)}`);
  assert.equal(payloadImages(packageVersion(ROOT))[0], DEFAULT_AGENT_IMAGE);
});

test('the sources hash changes with any agent source, the C helper and the version', async () => {
  const root = await mkdtemp(join(tmpdir(), 'npa-payload-src-'));
  try {
    await mkdir(join(root, 'agent', 'native'), { recursive: true });
    await writeFile(join(root, 'agent', 'main.ts'), 'export {};\n');
    await writeFile(join(root, 'agent', 'native', 'netpol-probe.c'), 'int main(void) { return 0; }\n');
    await writeFile(join(root, 'agent', 'Dockerfile'), 'FROM scratch\n');
    const first = await payloadSources(root, '1.0.0');
    assert.deepEqual(first.files, ['agent/main.ts', 'agent/native/netpol-probe.c']);
    assert.notEqual((await payloadSources(root, '1.0.1')).hash, first.hash, 'the version');
    await writeFile(join(root, 'agent', 'Dockerfile'), 'FROM alpine\n');
    assert.equal((await payloadSources(root, '1.0.0')).hash, first.hash, 'not the Dockerfile');
    await writeFile(join(root, 'agent', 'native', 'netpol-probe.c'), 'int main(void) { return 1; }\n');
    const second = await payloadSources(root, '1.0.0');
    assert.notEqual(second.hash, first.hash, 'the C helper');
    await writeFile(join(root, 'agent', 'main.ts'), 'export const x = 1;\n');
    assert.notEqual((await payloadSources(root, '1.0.0')).hash, second.hash, 'an agent source');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

describe("this checkout's payload", { skip: noMusl }, () => {
  let payload: ReadyPayload;
  before(async () => {
    payload = await ensureAgentPayload(ROOT);
  });

  test('is fresh: built from the sources here now', async () => {
    const state = await payloadState(agentPayload(ROOT), true);
    assert.equal(state.fresh, true);
    assert.equal(payload.version, packageVersion(ROOT));
  });

  test('the bundle runs alone, with no package.json or node_modules beside it, and knows its version', async () => {
    const alone = await mkdtemp(join(tmpdir(), 'npa-bundle-'));
    try {
      await cp(payload.bundle, join(alone, 'netpol-assert-agent.mjs'));
      const result = await execa(process.execPath, [join(alone, 'netpol-assert-agent.mjs'), 'version'], {
        cwd: alone,
      });
      assert.deepEqual(JSON.parse(result.stdout), {
        name: 'netpol-assert-agent',
        version: packageVersion(ROOT),
        protocol: 1,
      });
    } finally {
      await rm(alone, { recursive: true, force: true });
    }
  });

  test('netpol-probe is statically linked and answers --version; node itself is not static', async () => {
    assert.equal(isStaticElf(await readFile(payload.probe)), true);
    assert.equal(isStaticElf(await readFile(process.execPath)), false);
    const result = await execa(payload.probe, ['--version']);
    assert.match(result.stdout, /^netpol-probe \d+$/);
  });
});

describe('a payload that is not fresh', { skip: noMusl }, () => {
  let root = '';
  before(async () => {
    // A checkout in miniature: the agent's sources, the package files, the installed modules.
    root = await mkdtemp(join(tmpdir(), 'npa-payload-'));
    await cp(join(ROOT, 'agent'), join(root, 'agent'), { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) await cp(join(ROOT, file), join(root, file));
    await symlink(join(ROOT, 'node_modules'), join(root, 'node_modules'));
    await mkdir(join(root, 'src', 'cli'), { recursive: true });
    await writeFile(join(root, 'src', 'cli', 'bin.ts'), '');
  });
  after(async () => {
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  test('is rebuilt in a checkout when missing or when a source changed, and only then', async () => {
    const built = await ensureAgentPayload(root);
    assert.equal(built.rebuilt, true, 'missing');
    assert.equal((await ensureAgentPayload(root)).rebuilt, false, 'fresh');
    await writeFile(
      join(root, 'agent', 'never.ts'),
      `${await readFile(join(root, 'agent', 'never.ts'), 'utf8')}\n`,
    );
    assert.deepEqual(await payloadState(agentPayload(root), true), {
      fresh: false,
      why: 'the agent sources changed since it was built',
    });
    const rebuilt = await ensureAgentPayload(root);
    assert.equal(rebuilt.rebuilt, true, 'stale');
    assert.equal((await payloadState(agentPayload(root), true)).fresh, true);
  });

  test('is never rebuilt in an installed package: a missing file is an error naming it', async () => {
    await rm(join(root, 'src'), { recursive: true });
    await rm(agentPayload(root).probe);
    await assert.rejects(ensureAgentPayload(root), (error: unknown) => {
      assert.ok(error instanceof AgentPayloadMissing);
      assert.match(error.message, /build\/agent\/netpol-probe is missing/);
      return true;
    });
  });
});
