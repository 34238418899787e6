/**
 * The offline commands start quickly because they never load what only a cluster needs:
 * the Kubernetes client (about a second), ws, execa and the lab. Each command runs as a
 * real process with a module hook that logs every module it resolves; the log is then
 * searched for the live-only packages. A control run that does reach for a cluster shows
 * the log would catch them. The same holds for the bundle an installed package runs
 * (src/cli-bundle), built here into a package laid out as npm installs it: there the
 * live-only code sits in chunks of its own, and offline commands load none of them.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { bundleCli, CLI_BUNDLE_FOLDER } from '../../src/cli-bundle/index.js';
import { REPO_ROOT, runCli } from './run-cli.js';

/** Runs in the loader thread: every resolved URL, one per line, into $MODULE_LOG. */
const HOOKS = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.MODULE_LOG, resolved.url + '\\n');
  return resolved;
}`;

/** Preloaded: installs the hooks, and at exit adds what CommonJS loaded by require() alone. */
const RECORDER = `
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
const cache = createRequire(process.cwd() + '/').cache;
process.on('exit', () => appendFileSync(process.env.MODULE_LOG, Object.keys(cache).join('\\n') + '\\n'));
`;

/** What only a live cluster or the lab needs. */
const LIVE_ONLY: readonly [string, RegExp][] = [
  ['@kubernetes/client-node', /\/node_modules\/@kubernetes\/client-node\//],
  ['ws', /\/node_modules\/ws\//],
  ['execa', /\/node_modules\/execa\//],
  // Naming a lab (the default name in --help) takes its front door and names/, nothing more.
  ['the lab', /\/src\/lab\/(?!(index|names\/[a-z-]+|lifecycle\/render-status)\.ts$)/],
];

let folder = '';
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'netpol-assert-imports-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

let runs = 0;
/** The CLI from source (tsx, as bin/netpol-assert.js runs it in a checkout), with the recorder. */
const FROM_SOURCE: readonly string[] = ['--import', 'tsx', 'src/cli/bin.ts'];

async function modulesLoadedBy(
  args: readonly string[],
  cli: readonly string[] = FROM_SOURCE,
): Promise<{ exitCode: number; stdout: string; stderr: string; modules: string[] }> {
  const log = join(folder, `modules-${++runs}.log`);
  const result = await execa(
    'node',
    ['--import', `data:text/javascript,${encodeURIComponent(RECORDER)}`, ...cli, ...args],
    { cwd: REPO_ROOT, reject: false, env: { MODULE_LOG: log }, timeout: 60_000 },
  );
  const modules = (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '');
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr, modules };
}

function liveOnlyIn(modules: readonly string[]): string[] {
  return LIVE_ONLY.flatMap(([name, pattern]) => {
    const hit = modules.find((module) => pattern.test(module));
    return hit === undefined ? [] : [`${name} (${hit})`];
  });
}

const OFFLINE_COMMANDS: readonly (readonly string[])[] = [
  ['predict', 'suites/', '--state', 'suites/manifests'],
  ['explain', 'from operations/type=monitoring to default/app=web:http', '--state', 'suites/manifests'],
  ['generate', '--state', 'suites/manifests'],
  ['recipes', 'list'],
  ['recipes', 'show', '01'],
];

for (const args of OFFLINE_COMMANDS) {
  test(`"${args.slice(0, 2).join(' ')}" loads no Kubernetes client, ws, execa or lab code`, async () => {
    const run = await modulesLoadedBy(args);
    assert.equal(run.exitCode, 0, run.stderr);
    // The log saw the command's own work (suites and manifests are YAML), so an empty log cannot pass.
    assert.ok(
      run.modules.some((module) => /\/node_modules\/yaml\//.test(module)),
      `the module log is missing yaml: ${run.modules.length} entries`,
    );
    assert.deepEqual(liveOnlyIn(run.modules), []);
  });
}

test('the module log does see the Kubernetes client when a command reaches for a cluster', async () => {
  const run = await modulesLoadedBy([
    'generate',
    '--from-cluster',
    '--kubeconfig',
    join(folder, 'no-such-kubeconfig'),
  ]);
  assert.equal(run.exitCode, 3, run.stderr);
  assert.match(run.stderr, /kubeconfig/);
  assert.ok(
    liveOnlyIn(run.modules).some((hit) => hit.startsWith('@kubernetes/client-node')),
    'the client was not seen',
  );
});

/**
 * The package as installed: package.json, bin/ and the bundle, with node_modules and the
 * recipe packs (dist/recipes/) linked from the checkout. Built once for the tests below.
 */
let installedBin: Promise<string> | undefined;
function bundledCli(): Promise<string> {
  installedBin ??= (async () => {
    const root = join(folder, 'installed');
    await mkdir(join(root, 'bin'), { recursive: true });
    await mkdir(join(root, 'dist'), { recursive: true });
    await copyFile(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
    await copyFile(join(REPO_ROOT, 'bin/netpol-assert.js'), join(root, 'bin/netpol-assert.js'));
    await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
    await symlink(join(REPO_ROOT, 'recipes'), join(root, 'dist/recipes'));
    await bundleCli(REPO_ROOT, join(root, CLI_BUNDLE_FOLDER));
    return join(root, 'bin/netpol-assert.js');
  })();
  return installedBin;
}

/** Bundle chunks that import a live-only package when they load (static imports). */
async function liveChunks(): Promise<string[]> {
  const bundle = join(await bundledCli(), '../..', CLI_BUNDLE_FOLDER);
  const names = (await readdir(bundle)).filter((name) => name.endsWith('.js'));
  const live: string[] = [];
  for (const name of names) {
    const text = await readFile(join(bundle, name), 'utf8');
    if (/^import\b[^;]*?["'](@kubernetes\/client-node|ws|execa)(\/[^"']*)?["'];?$/m.test(text))
      live.push(`/${CLI_BUNDLE_FOLDER}/${name}`);
  }
  return live;
}

for (const args of OFFLINE_COMMANDS) {
  test(`"${args.slice(0, 2).join(' ')}" from the bundle loads no chunk with the Kubernetes client, ws or execa`, async () => {
    const run = await modulesLoadedBy(args, [await bundledCli()]);
    assert.equal(run.exitCode, 0, run.stderr);
    const chunks = run.modules.filter((module) => module.includes(`/${CLI_BUNDLE_FOLDER}/`));
    assert.ok(chunks.length > 1, `the module log saw ${chunks.length} bundle files`);
    const live = await liveChunks();
    assert.ok(live.length > 0, 'no chunk imports the Kubernetes client: the check below would prove nothing');
    assert.deepEqual(
      chunks.filter((module) => live.some((chunk) => module.endsWith(chunk))),
      [],
    );
    assert.deepEqual(liveOnlyIn(run.modules), []);
  });
}

test('the module log does see the Kubernetes client when the bundle reaches for a cluster', async () => {
  const run = await modulesLoadedBy(
    ['generate', '--from-cluster', '--kubeconfig', join(folder, 'no-such-kubeconfig')],
    [await bundledCli()],
  );
  assert.equal(run.exitCode, 3, run.stderr);
  assert.ok(
    liveOnlyIn(run.modules).some((hit) => hit.startsWith('@kubernetes/client-node')),
    'the client was not seen',
  );
});

test('the bundle (its suite validator precompiled) reports the invalid corpus as the sources do', async () => {
  const args = ['predict', 'test/fixtures/suites/invalid/', '--state', 'suites/manifests'];
  const bundled = await execa('node', [await bundledCli(), ...args], { cwd: REPO_ROOT, reject: false });
  const source = await runCli(args);
  assert.match(source.stderr, /UNKNOWN_KEY/);
  assert.deepEqual(
    { exitCode: bundled.exitCode, stdout: bundled.stdout, stderr: bundled.stderr },
    { exitCode: source.exitCode, stdout: source.stdout.trimEnd(), stderr: source.stderr.trimEnd() },
  );
});
