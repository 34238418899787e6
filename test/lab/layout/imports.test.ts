/**
 * How the lab's parts may import each other (src/lab/index.ts lists them): everything
 * outside src/lab comes in by the front door, src/lab/index.ts; inside, a part uses
 * another through that part's index.ts; no two parts need each other; and the lab's
 * root holds nothing but the front door. Read from the sources as they are, so a new
 * deep import or a cycle fails here.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const LAB = 'src/lab';

/**
 * The one deep import on purpose: `lab status`'s rendering, for the front door, which
 * loads with the command line and so must not load the lab (test/cli/offline-imports.test.ts).
 */
const ALLOWED_DEEP: readonly (readonly [string, string])[] = [
  ['src/lab/index.ts', 'src/lab/lifecycle/render-status.ts'],
];

interface Import {
  readonly from: string;
  /** Repository-relative, `.ts`. */
  readonly to: string;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, folder), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Static, type-only and dynamic imports alike, of relative specifiers. */
async function importsOf(file: string): Promise<Import[]> {
  const text = await readFile(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(
    (match) => match[1] ?? '',
  );
  return specifiers.map((specifier) => ({
    from: file,
    to: relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, '.ts'),
  }));
}

async function importsUnder(folders: readonly string[]): Promise<Import[]> {
  const files = (await Promise.all(folders.map(filesUnder))).flat();
  return (await Promise.all(files.map(importsOf))).flat();
}

/** The lab part a file belongs to (`data-plane`, `host`, ...), or '' for the front door. */
function partOf(file: string): string {
  return relative(LAB, dirname(file)).split('/')[0] ?? '';
}

const inLab = (file: string): boolean => file.startsWith(`${LAB}/`);
const allowedDeep = (edge: Import): boolean =>
  ALLOWED_DEEP.some(([from, to]) => edge.from === from && edge.to === to);

test('the command line, the recipes and the benches reach the lab only through src/lab/index.ts', async () => {
  const edges = await importsUnder(['src/cli', 'src/recipes', 'bench']);
  const lab = edges.filter((edge) => inLab(edge.to));
  assert.ok(lab.length >= 4, `found only ${lab.length} imports of the lab: the scan would prove nothing`);
  assert.deepEqual(
    lab.filter((edge) => edge.to !== `${LAB}/index.ts`),
    [],
  );
});

test("inside the lab, a part uses another part only through that part's index.ts", async () => {
  const edges = (await importsUnder([LAB])).filter((edge) => inLab(edge.to));
  const crossing = edges.filter((edge) => partOf(edge.from) !== partOf(edge.to));
  assert.ok(crossing.length > 20, `found only ${crossing.length} imports between parts`);
  assert.deepEqual(
    crossing.filter((edge) => !edge.to.endsWith('/index.ts') && !allowedDeep(edge)),
    [],
  );
});

test('no two parts of the lab import each other, directly or around a loop', async () => {
  const edges = (await importsUnder([LAB])).filter((edge) => inLab(edge.to));
  const needs = new Map<string, Set<string>>();
  for (const edge of edges) {
    const [from, to] = [partOf(edge.from), partOf(edge.to)];
    // The front door uses every part and no part uses it.
    if (from === to || from === '') continue;
    needs.set(from, (needs.get(from) ?? new Set()).add(to));
  }
  assert.ok(needs.get('data-plane')?.has('enforcer'), 'the data plane uses the enforcer');
  const cycle = findCycle(needs);
  assert.equal(cycle, undefined, `parts in a loop: ${cycle?.join(' -> ')}`);
});

test('the lab root holds only its front door, and no file name inside says lab- again', async () => {
  const root = await readdir(join(ROOT, LAB), { withFileTypes: true });
  assert.deepEqual(
    root.filter((entry) => entry.isFile()).map((entry) => entry.name),
    ['index.ts'],
  );
  const parts = root.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  for (const part of parts) {
    const files = await readdir(join(ROOT, LAB, part));
    assert.ok(files.includes('index.ts'), `${part}/ has no index.ts`);
  }
  assert.deepEqual(
    (await filesUnder(LAB)).filter((file) => /(^|\/)lab-[^/]*$/.test(file)),
    [],
  );
});

function findCycle(needs: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (part: string, path: readonly string[]): string[] | undefined => {
    if (path.includes(part)) return [...path.slice(path.indexOf(part)), part];
    if (done.has(part)) return undefined;
    for (const next of needs.get(part) ?? []) {
      const cycle = visit(next, [...path, part]);
      if (cycle !== undefined) return cycle;
    }
    done.add(part);
    return undefined;
  };
  for (const part of needs.keys()) {
    const cycle = visit(part, []);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}
