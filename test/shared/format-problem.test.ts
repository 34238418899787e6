/**
 * One shape and one printer for every domain's problems: each domain's own error, made
 * the way its loader makes it, printed by formatProblem as `file:line:col: error CODE:
 * message` with the line and a caret under the column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labManifestProblems, readLabManifests } from '../../src/lab/lifecycle/read-manifests.js';
import { parseManifests, stateFromManifests } from '../../src/manifests/index.js';
import { planProbes } from '../../src/plan/index.js';
import { validatePolicy } from '../../src/policy/index.js';
import { loadRecipe } from '../../src/recipes/load-recipe.js';
import { formatProblem, problemAt } from '../../src/shared/index.js';
import type { Problem } from '../../src/shared/index.js';
import { parseSuiteText } from '../../src/suite/index.js';

/** The one problem `problems` holds, printed. */
function printedOnly(problems: readonly Problem[]): string {
  assert.equal(problems.length, 1, problems.map(formatProblem).join('\n'));
  return formatProblem(problems[0] as Problem);
}

function manifestErrors(text: string): readonly Problem[] {
  const parsed = parseManifests(text, 'm.yaml');
  return [...parsed.errors, ...stateFromManifests(parsed.objects).errors];
}

test('the format: place, code and message, then the line under a gutter and a caret under the column', () => {
  const problem = problemAt('BAD_VALUE', 'not good', { file: 'f.yaml', line: 2, col: 7 }, 'a: 1\nbb: nope\n');
  assert.equal(
    formatProblem(problem),
    'f.yaml:2:7: error BAD_VALUE: not good\n  2 | bb: nope\n    |       ^',
  );
});

test('a problem of a file as a whole has no line, column or caret', () => {
  const problem = problemAt('MISSING_FILE', 'no such file', { file: 'f.yaml', line: 0, col: 0 }, 'text');
  assert.equal(formatProblem(problem), 'f.yaml: error MISSING_FILE: no such file');
});

test('a suite error', () => {
  const text =
    'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: s}\nassertions:\n  - from a/b to c/d:0 expect allow\n';
  assert.equal(
    printedOnly(parseSuiteText(text, 's.yaml').errors),
    's.yaml:5:21: error BAD_PORT: port 0 is out of range; expected 1..65535\n' +
      '  5 |   - from a/b to c/d:0 expect allow\n' +
      '    |                     ^',
  );
});

test('a manifest error: a malformed field at its own line', () => {
  const text = 'apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  hostNetwork: maybe\n';
  assert.equal(
    printedOnly(manifestErrors(text)),
    'm.yaml:5:16: error BAD_VALUE: spec.hostNetwork: expected true or false, got "maybe"\n' +
      '  5 |   hostNetwork: maybe\n' +
      '    |                ^',
  );
});

test('a manifest error: YAML syntax', () => {
  const printed = printedOnly(manifestErrors('apiVersion: v1\nkind: Pod\nkind: Pod\n'));
  assert.match(
    printed,
    /^m\.yaml:3:1: error YAML_SYNTAX: map keys must be unique; each key may appear once in a map\n {2}3 \| kind: Pod\n {4}\| \^$/,
  );
});

test('a NetworkPolicy error: its own code in the model, BAD_POLICY at its field in the file', () => {
  const policy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'p' },
    spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] },
  };
  assert.deepEqual(
    validatePolicy(policy).map((e) => e.code),
    ['BAD_VALUE'],
  );
  const text =
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: p }\nspec:\n  podSelector: {}\n' +
    '  egress:\n    - to:\n        - ipBlock: { cidr: 10.0.0.0/33 }\n';
  assert.equal(
    printedOnly(manifestErrors(text)),
    'm.yaml:8:28: error BAD_POLICY: spec.egress[0].to[0].ipBlock.cidr: "10.0.0.0/33" is not a CIDR: the prefix must be a number from 0 to 32\n' +
      '  8 |         - ipBlock: { cidr: 10.0.0.0/33 }\n' +
      '    |                            ^',
  );
});

test('a cluster policy error', () => {
  const text =
    'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: { name: guard }\n' +
    'spec:\n  priority: 1001\n  subject: { namespaces: {} }\n';
  assert.equal(
    printedOnly(manifestErrors(text)),
    'm.yaml:5:13: error BAD_CLUSTER_POLICY: spec.priority: 1001 is out of range: expected 0 to 1000 (lower is evaluated first)\n' +
      '  5 |   priority: 1001\n' +
      '    |             ^',
  );
});

test("a recipe pack's error: an object of a kind its file may not hold", async () => {
  const load = await loadRecipe('51-bad-endpoints', { folder: 'test/recipes/fixtures' });
  const wrongKind = (load.ok ? [] : load.problems).filter((p) => p.code === 'WRONG_KIND');
  assert.equal(
    formatProblem(wrongKind[0] as Problem),
    'test/recipes/fixtures/51-bad-endpoints/setup.yaml:7:1: error WRONG_KIND: setup.yaml holds Namespace, Pod, Service, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ExternalHost; not ClusterRole (rbac.authorization.k8s.io/v1)\n' +
      '  7 | apiVersion: rbac.authorization.k8s.io/v1\n' +
      '    | ^',
  );
});

test("a recipe pack's error: an endpoint outside the pack, at its assertion in suite.yaml", async () => {
  const load = await loadRecipe('51-bad-endpoints', { folder: 'test/recipes/fixtures' });
  const outside = (load.ok ? [] : load.problems).filter((p) => p.code === 'OUTSIDE_PACK');
  assert.match(
    formatProblem(outside[0] as Problem),
    /^test\/recipes\/fixtures\/51-bad-endpoints\/suite\.yaml:6:5: error OUTSIDE_PACK: \*\/\*: a recipe's assertion must name its namespace.*\n {2}6 \| {3}- .*\n {4}\| {5}\^$/,
  );
});

test('a plan problem: at its assertion, with the line when the suite text is at hand', () => {
  const text =
    'apiVersion: netpol-assert/v1\nkind: Suite\nmetadata: {name: s}\nassertions:\n' +
    '  - from pod:shop/nobody to shop/app=web:80 expect allow\n';
  const parsed = parseSuiteText(text, 's.yaml');
  const state = stateFromManifests(
    parseManifests('apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n', 'm.yaml').objects,
  ).state;
  const [problem, ...others] = planProbes(parsed.suites, state).suites[0]?.assertions[0]?.problems ?? [];
  assert.ok(problem);
  assert.deepEqual(others, []);
  assert.equal(
    formatProblem(problemAt(problem.code, problem.message, problem.location, text)),
    's.yaml:5:5: error POD_NOT_FOUND: pod shop/nobody not found\n' +
      '  5 |   - from pod:shop/nobody to shop/app=web:80 expect allow\n' +
      '    |     ^',
  );
});

test("a lab manifest's error: an outside host the lab must refuse, at its address", async () => {
  const file = 'test/lab/fixtures/bad-outside-host/hosts.yaml';
  const problems = labManifestProblems(await readLabManifests([file]));
  assert.equal(
    printedOnly(problems),
    `${file}:6:12: error NOT_DOCUMENTATION_ADDRESS: outside host public-dns: 8.8.8.8 is not in a documentation range (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32); the lab sends nothing elsewhere\n` +
      '  6 |   address: 8.8.8.8\n' +
      '    |            ^',
  );
});
