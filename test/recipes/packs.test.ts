/**
 * The packaged Network Policy Recipes: one pack per recipe, each loading cleanly into
 * namespaces of its own, and each suite holding against the model of its own setup and
 * policies. Offline: no cluster, no root.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listRecipeIds, loadRecipe, predictPack } from '../../src/recipes/index.js';
import type { RecipePack } from '../../src/recipes/index.js';
import { formatProblem } from '../../src/shared/index.js';
import type { EndpointSpec } from '../../src/suite/index.js';

const ids = await listRecipeIds();
const packs = new Map<string, RecipePack>();
for (const id of ids) {
  const load = await loadRecipe(id);
  if (load.ok) packs.set(id, load.pack);
}

/** How many claims each recipe's text makes, as the pack's suite.yaml quotes them. */
const ASSERTION_COUNTS: Readonly<Record<string, number>> = {
  '00-create-cluster': 1,
  '01-deny-all-traffic-to-an-application': 1,
  '02-limit-traffic-to-an-application': 2,
  '02a-allow-all-traffic-to-an-application': 2,
  '03-deny-all-non-whitelisted-traffic-in-the-namespace': 2,
  '04-deny-traffic-from-other-namespaces': 2,
  '05-allow-traffic-from-all-namespaces': 2,
  '06-allow-traffic-from-a-namespace': 2,
  '07-allow-traffic-from-some-pods-in-another-namespace': 4,
  '08-allow-external-traffic': 2,
  '09-allow-traffic-only-to-a-port': 4,
  '10-allowing-traffic-with-multiple-selectors': 4,
  '11-deny-egress-traffic-from-an-application': 4,
  '12-deny-all-non-whitelisted-traffic-from-the-namespace': 3,
  '14-deny-external-egress-traffic': 3,
};

function endpointNamespace(endpoint: EndpointSpec): string | undefined {
  switch (endpoint.kind) {
    case 'pods':
      return endpoint.namespace.kind === 'name' ? endpoint.namespace.name : undefined;
    case 'pod':
    case 'workload':
    case 'service':
      return endpoint.namespace;
    default:
      return undefined;
  }
}

describe('the packaged recipes', () => {
  test('there is one pack per recipe, 00 to 14 with 02a and without 13, in recipe order', () => {
    assert.deepEqual(Object.keys(ASSERTION_COUNTS), ids);
  });

  for (const id of ids) {
    test(`${id} loads, names its recipe, and every assertion holds in the model of its own manifests`, async () => {
      const load = await loadRecipe(id);
      assert.ok(load.ok, load.ok ? '' : load.problems.map(formatProblem).join('\n'));
      const { pack } = load;
      assert.ok(pack.title.length > 0);
      assert.equal(
        pack.source,
        `https://github.com/ahmetb/kubernetes-network-policy-recipes/blob/master/${id}.md`,
      );
      assert.equal(pack.suite.name, id);
      assert.equal(pack.suite.assertions.length, ASSERTION_COUNTS[id]);
      const result = predictPack(pack);
      const outcomes = result.suites.flatMap((s) => s.assertions.map((a) => [a.assertion.name, a.outcome]));
      assert.deepEqual(
        outcomes.filter(([, outcome]) => outcome !== 'pass'),
        [],
        'every assertion passes',
      );
    });
  }

  test('every assertion is named in the recipe’s words, and named once within its pack', () => {
    for (const pack of packs.values()) {
      const names = pack.suite.assertions.map((a) => a.name);
      assert.equal(new Set(names).size, names.length, pack.id);
      for (const name of names)
        assert.doesNotMatch(name, /^from /, `${pack.id}: "${name}" has no name of its own`);
    }
  });

  test('every object of every pack lives in namespaces the pack creates, named rcp-<number>-…', () => {
    for (const pack of packs.values()) {
      const number = /^\d{2}[a-z]?/.exec(pack.id)?.[0];
      const created = new Set(
        pack.setupObjects
          .filter((m) => m.object.kind === 'Namespace')
          .map((m) => String((m.object.metadata as { name: string }).name)),
      );
      assert.deepEqual([...created].sort(), [...pack.namespaces.values()].sort(), pack.id);
      for (const name of created) assert.ok(name.startsWith(`rcp-${number}-`), `${pack.id}: ${name}`);
      for (const { object } of [...pack.setupObjects, ...pack.policyObjects]) {
        if (object.kind === 'Namespace') continue;
        const namespace = (object.metadata as { namespace?: string }).namespace;
        assert.ok(
          namespace !== undefined && created.has(namespace),
          `${pack.id}: ${String(object.kind)} in ${namespace}`,
        );
      }
    }
  });

  test("every assertion's endpoints are in the pack's namespaces, and its origin is the recipe", () => {
    for (const pack of packs.values()) {
      const mine = new Set(pack.namespaces.values());
      for (const assertion of pack.suite.assertions) {
        assert.deepEqual(assertion.origin, { kind: 'recipe', recipe: pack.id });
        for (const endpoint of [assertion.from, assertion.to]) {
          if (endpoint.kind === 'address') continue;
          const namespace = endpointNamespace(endpoint);
          assert.ok(namespace !== undefined && mine.has(namespace), `${pack.id}: ${assertion.name}`);
        }
      }
    }
  });

  test('outside hosts come from the documentation ranges and have a different address in every pack', () => {
    const hosts = [...packs.values()].flatMap((pack) => pack.externalHosts);
    assert.ok(hosts.length >= 4);
    for (const host of hosts) assert.match(host.address, /^(203\.0\.113|198\.51\.100|192\.0\.2)\./);
    assert.equal(new Set(hosts.map((host) => host.address)).size, hosts.length);
  });

  test('the recipes count 38 assertions: 19 allow, 19 deny', () => {
    const all = [...packs.values()].flatMap((pack) => pack.suite.assertions);
    assert.equal(all.length, 38);
    assert.equal(all.filter((a) => a.expect === 'deny').length, 19);
  });
});
