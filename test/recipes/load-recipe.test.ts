/**
 * Loading a pack: namespaces mapped everywhere they appear (objects, namespace
 * selectors that name namespaces, assertions), outside hosts named per pack, and every
 * way a pack could reach outside itself refused with file:line:col.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRecipe, packNaming, resolveRecipeId } from '../../src/recipes/index.js';
import { formatProblem } from '../../src/shared/index.js';

const FIXTURES = 'test/recipes/fixtures';

async function loaded(id: string, run?: string) {
  const load = await loadRecipe(id, { folder: FIXTURES, ...(run === undefined ? {} : { run }) });
  assert.ok(load.ok, load.ok ? '' : load.problems.map(formatProblem).join('\n'));
  return load.pack;
}

function objectNamed(pack: Awaited<ReturnType<typeof loaded>>, kind: string, name: string): unknown {
  const found = pack.manifests.find(
    (m) => m.object.kind === kind && (m.object.metadata as { name: string }).name === name,
  );
  assert.ok(found, `${kind} ${name}`);
  return found.object;
}

/** The value at a path of keys and indices in plain JSON, or undefined. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (current, key) =>
      typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined,
    value,
  );
}

describe('namespace mapping', () => {
  test('offline a namespace becomes rcp-<number>-<name>; a live run puts its token after the number', () => {
    assert.equal(packNaming('07-allow-traffic').namespace('other'), 'rcp-07-other');
    assert.equal(packNaming('02a-allow-all').namespace('default'), 'rcp-02a-default');
    assert.equal(packNaming('02a-allow-all', 'f00d42').namespace('default'), 'rcp-02a-f00d42-default');
  });

  test('outside hosts keep one name per pack, whatever the run, so the next run replaces them', async () => {
    const pack = await loaded('50-names-namespaces', 'abc123');
    assert.deepEqual(
      pack.externalHosts.map((host) => host.name),
      ['rcp-50-outside'],
    );
  });

  test('objects move to the mapped namespaces; a namespace used but not declared (default) is created', async () => {
    const pack = await loaded('50-names-namespaces', 'abc123');
    assert.deepEqual(Object.fromEntries(pack.namespaces), {
      other: 'rcp-50-abc123-other',
      default: 'rcp-50-abc123-default',
    });
    assert.equal(at(objectNamed(pack, 'Pod', 'web'), 'metadata', 'namespace'), 'rcp-50-abc123-default');
    assert.equal(at(objectNamed(pack, 'Pod', 'client'), 'metadata', 'namespace'), 'rcp-50-abc123-other');
    assert.equal(
      at(objectNamed(pack, 'NetworkPolicy', 'web-from-other'), 'metadata', 'namespace'),
      'rcp-50-abc123-default',
    );
    assert.deepEqual(at(objectNamed(pack, 'Namespace', 'rcp-50-abc123-default'), 'metadata'), {
      name: 'rcp-50-abc123-default',
    });
  });

  test("a namespace's own labels stay, except kubernetes.io/metadata.name, which follows its name", async () => {
    const pack = await loaded('50-names-namespaces', 'abc123');
    assert.deepEqual(at(objectNamed(pack, 'Namespace', 'rcp-50-abc123-other'), 'metadata', 'labels'), {
      'kubernetes.io/metadata.name': 'rcp-50-abc123-other',
      team: 'operations',
    });
  });

  test('namespace selectors that name namespaces name the mapped ones; other labels are left alone', async () => {
    const pack = await loaded('50-names-namespaces', 'abc123');
    const spec = at(objectNamed(pack, 'NetworkPolicy', 'web-from-other'), 'spec');
    assert.deepEqual(at(spec, 'ingress', 0, 'from', 0, 'namespaceSelector', 'matchLabels'), {
      'kubernetes.io/metadata.name': 'rcp-50-abc123-other',
    });
    assert.deepEqual(
      at(spec, 'ingress', 0, 'from', 1, 'namespaceSelector', 'matchExpressions', 0, 'values'),
      ['rcp-50-abc123-other', 'rcp-50-abc123-default'],
    );
    assert.deepEqual(at(spec, 'egress', 0, 'to', 0, 'namespaceSelector', 'matchLabels'), {
      team: 'operations',
    });
  });

  test('assertions are mapped by namespace name, pod, Service; addresses stay; names stay as written', async () => {
    const pack = await loaded('50-names-namespaces', 'abc123');
    const [byLabel, byName, outside] = pack.suite.assertions;
    assert.deepEqual(byLabel?.from, {
      kind: 'pods',
      namespace: { kind: 'name', name: 'rcp-50-abc123-other' },
      pods: { kind: 'selector', selector: { matchLabels: { app: 'client' }, matchExpressions: [] } },
    });
    assert.deepEqual(byName?.from, { kind: 'pod', namespace: 'rcp-50-abc123-other', name: 'client' });
    assert.deepEqual(byName?.to, { kind: 'service', namespace: 'rcp-50-abc123-default', name: 'web' });
    assert.equal(byName?.name, 'from pod:other/client to svc:default/web:80 expect allow');
    assert.deepEqual(outside?.to, { kind: 'address', address: '203.0.113.50', prefix: 32 });
    assert.equal(
      pack.writtenSuite.assertions[1]?.from.kind === 'pod' && pack.writtenSuite.assertions[1].from.namespace,
      'other',
    );
  });
});

describe('what a pack may not hold', () => {
  test('endpoints outside the pack, objects outside the pack kinds and policies outside policy.yaml, all at once', async () => {
    const load = await loadRecipe('51-bad-endpoints', { folder: FIXTURES });
    assert.equal(load.ok, false);
    const problems = (load.ok ? [] : load.problems).map(formatProblem);
    const at = (where: string, code: string, what: RegExp) =>
      assert.ok(
        problems.some(
          (p) => p.startsWith(`${FIXTURES}/51-bad-endpoints/${where}: error ${code}: `) && what.test(p),
        ),
        `${where} ${String(what)} in:\n${problems.join('\n')}`,
      );
    at('setup.yaml:7:1', 'WRONG_KIND', /not ClusterRole/);
    at('setup.yaml:11:1', 'WRONG_KIND', /not NetworkPolicy/);
    at('policy.yaml:1:1', 'WRONG_KIND', /holds NetworkPolicy; not Pod/);
    at('suite.yaml:6:5', 'OUTSIDE_PACK', /\*\/\*: a recipe's assertion must name its namespace/);
    at('suite.yaml:7:5', 'OUTSIDE_PACK', /\{team=operations\}\/\*: a recipe's assertion must name its namespace/);
    at('suite.yaml:8:5', 'OUTSIDE_PACK', /namespace prod is not one the pack's setup.yaml or policy.yaml uses/);
    at('suite.yaml:9:5', 'OUTSIDE_PACK', /may not probe a node/);
    // Each with its line and a caret under the place.
    assert.ok(problems.every((p) => /\n {2}\d+ \| .*\n {2} +\| *\^$/.test(p)), problems.join('\n'));
    assert.equal(problems.length, 7);
  });

  test('a suite without its "# Recipe:" title line is refused', async () => {
    const load = await loadRecipe('52-no-header', { folder: FIXTURES });
    assert.deepEqual((load.ok ? [] : load.problems).map(formatProblem), [
      `${FIXTURES}/52-no-header/suite.yaml: error NO_TITLE: the pack's suite starts with a "# Recipe: TITLE" line`,
    ]);
  });

  test('a pack folder without its three files names each missing one', async () => {
    const load = await loadRecipe('53-not-there', { folder: FIXTURES });
    assert.deepEqual(
      (load.ok ? [] : load.problems).map((p) => [p.code, p.location.file]),
      ['suite.yaml', 'setup.yaml', 'policy.yaml'].map((file) => [
        'MISSING_FILE',
        `${FIXTURES}/53-not-there/${file}`,
      ]),
    );
  });
});

describe('naming a recipe', () => {
  const ids = ['02-limit-traffic-to-an-application', '02a-allow-all-traffic-to-an-application'];

  test('by its full id or by its number, 02 and 02a being different recipes', () => {
    assert.equal(resolveRecipeId('02', ids), ids[0]);
    assert.equal(resolveRecipeId('02a', ids), ids[1]);
    assert.equal(resolveRecipeId(ids[1] ?? '', ids), ids[1]);
    assert.equal(resolveRecipeId('13', ids), undefined);
    assert.equal(resolveRecipeId('02-limit', ids), undefined);
  });
});
