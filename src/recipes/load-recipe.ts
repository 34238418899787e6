/**
 * One pack from its folder: `suite.yaml` (the recipe's claims, with `# Recipe:` and
 * `# Source:` header lines), `setup.yaml` (what the recipe creates) and `policy.yaml`
 * (its NetworkPolicies), read, checked and mapped into the pack's own namespaces. Every
 * problem is reported at once, with file:line:col.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifests, stateFromManifests } from '../manifests/index.js';
import type { ManifestObject } from '../manifests/index.js';
import { problemAt, wholeFile } from '../shared/index.js';
import type { Problem } from '../shared/index.js';
import { parseSuiteText } from '../suite/index.js';
import type { Suite } from '../suite/index.js';
import { mapManifest, namespaceOf } from './map-manifest.js';
import { mapSuite } from './map-suite.js';
import { mappedNameProblem, packNaming } from './pack-naming.js';
import type { PackNaming } from './pack-naming.js';
import { RECIPES_FOLDER } from './recipe-folder.js';
import type { RecipeLoad, RecipeProblem, RecipeProblemCode } from './recipe-pack.js';

export interface LoadRecipeOptions {
  /** Where the packs are; the packaged `recipes/` by default. */
  readonly folder?: string;
  /** A live run's token: namespaces become `rcp-<number>-<run>-<namespace>`. */
  readonly run?: string;
}

const FILES = ['suite.yaml', 'setup.yaml', 'policy.yaml'] as const;

/** What each file may hold, as `group/kind` (`/Pod` is the core group). */
const SETUP_KINDS = new Set([
  '/Namespace',
  '/Pod',
  '/Service',
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'batch/Job',
  'batch/CronJob',
  'lab.netpol-assert.io/ExternalHost',
]);
const POLICY_KINDS = new Set(['networking.k8s.io/NetworkPolicy']);

export async function loadRecipe(id: string, options: LoadRecipeOptions = {}): Promise<RecipeLoad> {
  // Packaged packs are named as in the repository; others by the folder the caller gave.
  const display = (file: string): string =>
    options.folder === undefined ? `recipes/${id}/${file}` : join(options.folder, id, file);
  const texts = await readPackFiles(join(options.folder ?? RECIPES_FOLDER, id), display);
  if (!('suite' in texts)) return { ok: false, problems: texts.missing };
  const read = readPack(texts, display);
  if (read.suite === undefined) return { ok: false, problems: read.problems };
  const mapped = mapPack(id, read.suite, read, texts.suite, packNaming(id, options.run));
  const problems = [...read.problems, ...mapped.problems];
  if (problems.length > 0 || 'code' in read.header) return { ok: false, problems };
  const { title, source } = read.header;
  const { namespaces, setupObjects, policyObjects, externalHosts, manifests, suite } = mapped;
  return {
    ok: true,
    pack: {
      id,
      title,
      ...(source === undefined ? {} : { source }),
      namespaces,
      setupObjects,
      policyObjects,
      externalHosts,
      manifests,
      policyText: texts.policy,
      suite,
      writtenSuite: read.suite,
    },
  };
}

interface PackTexts {
  readonly suite: string;
  readonly setup: string;
  readonly policy: string;
}

interface ReadPack {
  readonly setup: readonly ManifestObject[];
  readonly policy: readonly ManifestObject[];
  readonly suite: Suite | undefined;
  readonly header: Header | RecipeProblem;
  readonly problems: RecipeProblem[];
}

interface Header {
  readonly title: string;
  readonly source?: string;
}

/** The three files parsed and checked as they are written, before any mapping. */
function readPack(texts: PackTexts, display: (file: string) => string): ReadPack {
  const setup = parseManifests(texts.setup, display('setup.yaml'));
  const policy = parseManifests(texts.policy, display('policy.yaml'));
  const parsed = parseSuiteText(texts.suite, display('suite.yaml'));
  const header = readHeader(texts.suite, display('suite.yaml'));
  const [suite, ...others] = parsed.suites;
  const problems: RecipeProblem[] = [
    ...setup.errors,
    ...policy.errors,
    ...parsed.errors,
    ...kindProblems(setup.objects, SETUP_KINDS, 'setup.yaml'),
    ...kindProblems(policy.objects, POLICY_KINDS, 'policy.yaml'),
    ...('code' in header ? [header] : []),
  ];
  const suiteProblem = (code: RecipeProblemCode, message: string, location = wholeFile(display('suite.yaml'))) =>
    problemAt(code, message, location, texts.suite);
  const [second] = others;
  if (second !== undefined) problems.push(suiteProblem('NOT_ONE_SUITE', 'a pack holds one suite', second.location));
  if (suite !== undefined && (suite.setup.length > 0 || suite.recipes.length > 0 || suite.generate))
    problems.push(
      suiteProblem(
        'SUITE_KEYS',
        "a pack's suite has no setup, recipes or generate: setup.yaml is its setup",
        suite.location,
      ),
    );
  return { setup: setup.objects, policy: policy.objects, suite, header, problems };
}

/** Everything in the pack's own namespaces, and the model of it checked. */
function mapPack(
  id: string,
  writtenSuite: Suite,
  { setup, policy }: ReadPack,
  suiteText: string,
  naming: PackNaming,
) {
  const used = recipeNamespaces([...setup, ...policy]);
  const namespaces = new Map([...used.keys()].map((name) => [name, naming.namespace(name)]));
  const mappedSuite = mapSuite(writtenSuite, id, naming, new Set(used.keys()), suiteText);
  const setupObjects = [
    ...namespaceObjects(used, setup, naming),
    ...setup.filter((m) => m.object.kind !== 'Namespace' && !isHost(m)).map((m) => mapManifest(m, naming)),
  ];
  const policyObjects = policy.map((m) => mapManifest(m, naming));
  const hostObjects = setup.filter(isHost).map((m) => mapManifest(m, naming));
  const manifests = [...setupObjects, ...hostObjects, ...policyObjects];
  const model = stateFromManifests(manifests);
  const problems: RecipeProblem[] = [
    ...[...used].flatMap(([name, first]) => namespaceProblems(naming.namespace(name), first)),
    ...mappedSuite.problems,
    ...model.errors,
  ];
  const externalHosts = model.externalHosts;
  return { namespaces, setupObjects, policyObjects, externalHosts, manifests, suite: mappedSuite.suite, problems };
}

async function readPackFiles(
  folder: string,
  display: (file: string) => string,
): Promise<PackTexts | { missing: Problem<RecipeProblemCode>[] }> {
  const texts = await Promise.all(
    FILES.map((file) => readFile(join(folder, file), 'utf8').catch(() => undefined)),
  );
  const [suite, setup, policy] = texts;
  if (suite !== undefined && setup !== undefined && policy !== undefined) return { suite, setup, policy };
  const missing = FILES.filter((_, index) => texts[index] === undefined);
  const message = `no such file (a pack needs ${FILES.join(', ')})`;
  return { missing: missing.map((file) => problemAt('MISSING_FILE', message, wholeFile(display(file)))) };
}

function readHeader(text: string, file: string): Header | Problem<RecipeProblemCode> {
  const title = /^# Recipe: (.+)$/m.exec(text)?.[1]?.trim();
  const source = /^# Source: (\S+)$/m.exec(text)?.[1];
  if (title === undefined)
    return problemAt('NO_TITLE', `the pack's suite starts with a "# Recipe: TITLE" line`, wholeFile(file));
  return { title, ...(source === undefined ? {} : { source }) };
}

function kindProblems(
  objects: readonly ManifestObject[],
  allowed: ReadonlySet<string>,
  file: string,
): Problem<RecipeProblemCode>[] {
  return objects.flatMap(({ object, location, source }) => {
    const apiVersion = String(object.apiVersion);
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (allowed.has(`${group}/${String(object.kind)}`)) return [];
    const kinds = [...allowed].map((kind) => kind.slice(kind.indexOf('/') + 1)).join(', ');
    const message = `${file} holds ${kinds}; not ${String(object.kind)} (${apiVersion})`;
    return [problemAt('WRONG_KIND', message, location, source)];
  });
}

/** A namespace the pack uses that, mapped, cannot be one: where it is first declared or used. */
function namespaceProblems(mapped: string, first: ManifestObject): Problem<RecipeProblemCode>[] {
  const problem = mappedNameProblem(mapped);
  return problem === undefined ? [] : [problemAt('BAD_NAMESPACE', problem, first.location, first.source)];
}

function isHost(manifest: ManifestObject): boolean {
  return manifest.object.kind === 'ExternalHost';
}

/** Every namespace the objects use, with where it is first declared or used. */
function recipeNamespaces(objects: readonly ManifestObject[]): Map<string, ManifestObject> {
  const found = new Map<string, ManifestObject>();
  for (const manifest of objects) {
    if (isHost(manifest)) continue;
    const metadata = manifest.object.metadata as Record<string, unknown>;
    const name = manifest.object.kind === 'Namespace' ? String(metadata.name) : namespaceOf(metadata);
    const known = found.get(name);
    if (known === undefined || (manifest.object.kind === 'Namespace' && known.object.kind !== 'Namespace'))
      found.set(name, manifest);
  }
  return found;
}

/** The declared Namespaces, mapped, and one for each namespace used but not declared (`default`). */
function namespaceObjects(
  namespaces: ReadonlyMap<string, ManifestObject>,
  setup: readonly ManifestObject[],
  naming: PackNaming,
): ManifestObject[] {
  return [...namespaces].map(([name, first]) => {
    const declared = setup.find(
      (m) => m.object.kind === 'Namespace' && (m.object.metadata as { name?: unknown }).name === name,
    );
    if (declared !== undefined) return mapManifest(declared, naming);
    return {
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: naming.namespace(name) } },
      location: first.location,
    };
  });
}
