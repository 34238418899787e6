/**
 * Bad input at every door: manifests, kubeconfigs and flags, each with the exact message
 * and exit code the real command line gives. Manifests go through `predict --state` (and
 * a suite's `setup:` for `run`): exit 2, each problem at file:line:column with its line and
 * a caret, nothing run. Kubeconfigs go through `run --kubeconfig`: exit 3, naming the file,
 * context, cluster, user or server at fault, before any request that changes the cluster,
 * so nothing is created and nothing that was never made is "removed". The cases live in
 * test/fixtures/bad-input/; a few need an environment (no kubeconfig at all, $KUBECONFIG,
 * a lab that is not up) or a server (one on 127.0.0.1 that refuses the credentials).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { SERVICE_ACCOUNT_TOKEN } from '../../src/cluster/index.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { FakeApiServer } from '../cluster/fake-api-server.js';
import { REPO_ROOT, runCli } from './run-cli.js';

const FIXTURES = `${REPO_ROOT}test/fixtures/bad-input`;
const SUITE = `${FIXTURES}/suite.yaml`;
/** The manifests' folder and the kubeconfigs', as messages print them (absolute, with the slash). */
const M = `${FIXTURES}/manifests/`;
const K = `${FIXTURES}/kubeconfigs/`;

/** Each malformed manifest and every line `predict` prints for it before its summary. */
const MANIFESTS: readonly (readonly [file: string, problems: readonly string[]])[] = [
  [
    'apiversion-core-networkpolicy.yaml',
    [
      `${M}apiversion-core-networkpolicy.yaml:1:13: error BAD_API_VERSION: apiVersion: NetworkPolicy is not served as v1: write networking.k8s.io/v1`,
      `  1 | apiVersion: v1`,
      `    |             ^`,
    ],
  ],
  [
    'apiversion-extensions-deployment.yaml',
    [
      `${M}apiversion-extensions-deployment.yaml:1:13: error BAD_API_VERSION: apiVersion: Deployment is not served as extensions/v1beta1: write apps/v1`,
      `  1 | apiVersion: extensions/v1beta1`,
      `    |             ^`,
    ],
  ],
  [
    'apiversion-v1beta1-networkpolicy.yaml',
    [
      `${M}apiversion-v1beta1-networkpolicy.yaml:1:13: error BAD_API_VERSION: apiVersion: NetworkPolicy is not served as networking.k8s.io/v1beta1: write networking.k8s.io/v1`,
      `  1 | apiVersion: networking.k8s.io/v1beta1`,
      `    |             ^`,
    ],
  ],
  [
    'clusternetworkpolicy-priority.yaml',
    [
      `${M}clusternetworkpolicy-priority.yaml:7:13: error BAD_CLUSTER_POLICY: spec.priority: 1001 is out of range: expected 0 to 1000 (lower is evaluated first)`,
      `  7 |   priority: 1001`,
      `    |             ^`,
    ],
  ],
  [
    'clusternetworkpolicy-unknown-field.yaml',
    [
      `${M}clusternetworkpolicy-unknown-field.yaml:10:3: error UNKNOWN_FIELD: spec.ingres: unknown field "ingres" (did you mean "ingress"?): the API server would refuse it (strict field validation)`,
      `  10 |   ingres:`,
      `     |   ^`,
    ],
  ],
  [
    'clusternetworkpolicy-unknown-rule-field.yaml',
    [
      `${M}clusternetworkpolicy-unknown-rule-field.yaml:13:7: error UNKNOWN_FIELD: spec.ingress[0].protocol: unknown field "protocol" (did you mean "protocols"?): the API server would refuse it (strict field validation)`,
      `  13 |       protocol: [{tcp: {destinationPort: {number: 80}}}]`,
      `     |       ^`,
    ],
  ],
  [
    'deployment-replicas-string.yaml',
    [
      `${M}deployment-replicas-string.yaml:6:13: error BAD_VALUE: spec.replicas: expected a whole number, got "3"`,
      `  6 |   replicas: "3"`,
      `    |             ^`,
    ],
  ],
  [
    'deployment-unknown-template-field.yaml',
    [
      `${M}deployment-unknown-template-field.yaml:10:7: error UNKNOWN_FIELD: spec.template.spec.hostnetwork: unknown field "hostnetwork" (did you mean "hostNetwork"?): the API server would refuse it (strict field validation)`,
      `  10 |       hostnetwork: true`,
      `     |       ^`,
    ],
  ],
  [
    'duplicate-object.yaml',
    [
      `${M}duplicate-object.yaml:5:1: error DUPLICATE: Pod default/web is declared twice; the first is at ${M}duplicate-object.yaml:1:1`,
      `  5 | apiVersion: v1`,
      `    | ^`,
    ],
  ],
  [
    'kind-lowercase.yaml',
    [
      `${M}kind-lowercase.yaml:2:7: error UNKNOWN_KIND: kind: "networkpolicy" is not a kind of networking.k8s.io/v1 (did you mean "NetworkPolicy"?)`,
      `  2 | kind: networkpolicy`,
      `    |       ^`,
    ],
  ],
  [
    'kind-misspelt.yaml',
    [
      `${M}kind-misspelt.yaml:2:7: error UNKNOWN_KIND: kind: "Poddd" is not a kind of v1 (did you mean "Pod"?)`,
      `  2 | kind: Poddd`,
      `    |       ^`,
    ],
  ],
  [
    'missing-name.yaml',
    [
      `${M}missing-name.yaml:1:1: error MISSING_FIELD: missing metadata.name: every object needs apiVersion, kind and metadata.name`,
      `  1 | apiVersion: v1`,
      `    | ^`,
    ],
  ],
  [
    'namespace-name.yaml',
    [
      `${M}namespace-name.yaml:4:9: error BAD_VALUE: metadata.name: namespace "Shop" is not a namespace name; expected at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit`,
      `  4 |   name: Shop`,
      `    |         ^`,
    ],
  ],
  [
    'networkpolicy-cidr-address.yaml',
    [
      `${M}networkpolicy-cidr-address.yaml:9:27: error BAD_POLICY: spec.egress[0].to[0].ipBlock.cidr: "10.0.0.256/24" is not a CIDR: the address is not valid`,
      `  9 |         - ipBlock: {cidr: 10.0.0.256/24}`,
      `    |                           ^`,
    ],
  ],
  [
    'networkpolicy-cidr-prefix.yaml',
    [
      `${M}networkpolicy-cidr-prefix.yaml:9:27: error BAD_POLICY: spec.ingress[0].from[0].ipBlock.cidr: "10.0.0.0/33" is not a CIDR: the prefix must be a number from 0 to 32`,
      `  9 |         - ipBlock: {cidr: 10.0.0.0/33}`,
      `    |                           ^`,
    ],
  ],
  [
    'networkpolicy-endport.yaml',
    [
      `${M}networkpolicy-endport.yaml:9:33: error BAD_POLICY: spec.ingress[0].ports[0].endPort: must be greater than or equal to port (9000)`,
      `  9 |         - {port: 9000, endPort: 8000}`,
      `    |                                 ^`,
    ],
  ],
  [
    'networkpolicy-except-outside.yaml',
    [
      `${M}networkpolicy-except-outside.yaml:11:22: error BAD_POLICY: spec.ingress[0].from[0].ipBlock.except[0]: "192.168.0.0/16" must be a strict subset of the cidr "10.0.0.0/8"`,
      `  11 |             except: [192.168.0.0/16]`,
      `     |                      ^`,
    ],
  ],
  [
    'networkpolicy-label-value.yaml',
    [
      `${M}networkpolicy-label-value.yaml:7:24: error BAD_POLICY: spec.podSelector.matchLabels.app: invalid label value "web server": must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."`,
      `  7 |     matchLabels: {app: "web server"}`,
      `    |                        ^`,
    ],
  ],
  [
    'networkpolicy-operator.yaml',
    [
      `${M}networkpolicy-operator.yaml:8:30: error BAD_POLICY: spec.podSelector.matchExpressions[0].operator: "Equals" is not a valid operator: expected In, NotIn, Exists or DoesNotExist`,
      `  8 |       - {key: app, operator: Equals, values: [web]}`,
      `    |                              ^`,
    ],
  ],
  [
    'networkpolicy-policy-type.yaml',
    [
      `${M}networkpolicy-policy-type.yaml:7:17: error BAD_POLICY: spec.policyTypes[0]: "ingress" is not a policy type: expected Ingress or Egress`,
      `  7 |   policyTypes: [ingress]`,
      `    |                 ^`,
    ],
  ],
  [
    'networkpolicy-port-range.yaml',
    [
      `${M}networkpolicy-port-range.yaml:9:17: error BAD_POLICY: spec.ingress[0].ports[0].port: 70000 is not a port number: expected 1 to 65535`,
      `  9 |         - port: 70000`,
      `    |                 ^`,
    ],
  ],
  [
    'networkpolicy-selector-not-a-map.yaml',
    [
      `${M}networkpolicy-selector-not-a-map.yaml:6:16: error BAD_POLICY: spec.podSelector: must be a label selector (matchLabels and/or matchExpressions)`,
      `  6 |   podSelector: app=web`,
      `    |                ^`,
    ],
  ],
  [
    'networkpolicy-unknown-peer-field.yaml',
    [
      `${M}networkpolicy-unknown-peer-field.yaml:9:11: error UNKNOWN_FIELD: spec.ingress[0].from[0].ipblock: unknown field "ipblock" (did you mean "ipBlock"?): the API server would refuse it (strict field validation)`,
      `  9 |         - ipblock: {cidr: 10.0.0.0/8}`,
      `    |           ^`,
    ],
  ],
  [
    'networkpolicy-unknown-rule-field.yaml',
    [
      `${M}networkpolicy-unknown-rule-field.yaml:9:7: error UNKNOWN_FIELD: spec.ingress[0].port: unknown field "port" (did you mean "ports"?): the API server would refuse it (strict field validation)`,
      `  9 |       port: [{port: 80}]`,
      `    |       ^`,
    ],
  ],
  [
    'networkpolicy-unknown-spec-field.yaml',
    [
      `${M}networkpolicy-unknown-spec-field.yaml:7:3: error UNKNOWN_FIELD: spec.podSelecter: unknown field "podSelecter" (did you mean "podSelector"?): the API server would refuse it (strict field validation)`,
      `  7 |   podSelecter:`,
      `    |   ^`,
    ],
  ],
  [
    'not-an-object.yaml',
    [
      `${M}not-an-object.yaml:1:1: error NOT_AN_OBJECT: expected a Kubernetes object (a map)`,
      `  1 | - apiVersion: v1`,
      `    | ^`,
    ],
  ],
  [
    'pod-label-key.yaml',
    [
      `${M}pod-label-key.yaml:6:27: error BAD_VALUE: metadata.labels.example.com/team/app: invalid label key "example.com/team/app": the name must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."`,
      `  6 |     example.com/team/app: web`,
      `    |                           ^`,
    ],
  ],
  [
    'pod-label-not-a-string.yaml',
    [
      `${M}pod-label-not-a-string.yaml:7:14: error BAD_VALUE: metadata.labels.version: expected a string (quote numbers and booleans), got 1`,
      `  7 |     version: 1`,
      `    |              ^`,
    ],
  ],
  [
    'pod-label-value.yaml',
    [
      `${M}pod-label-value.yaml:6:10: error BAD_VALUE: metadata.labels.app: invalid label value "-web-": must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."`,
      `  6 |     app: -web-`,
      `    |          ^`,
    ],
  ],
  [
    'pod-name.yaml',
    [
      `${M}pod-name.yaml:4:9: error BAD_VALUE: metadata.name: Pod name "web_1" is not valid; expected lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`,
      `  4 |   name: web_1`,
      `    |         ^`,
    ],
  ],
  [
    'pod-port-not-a-number.yaml',
    [
      `${M}pod-port-not-a-number.yaml:9:31: error BAD_VALUE: spec.containers[0].ports[0].containerPort: expected a port number from 1 to 65535, got "80"`,
      `  9 |       ports: [{containerPort: "80"}]`,
      `    |                               ^`,
    ],
  ],
  [
    'pod-protocol-lowercase.yaml',
    [
      `${M}pod-protocol-lowercase.yaml:9:45: error BAD_VALUE: spec.containers[0].ports[0].protocol: expected TCP, UDP or SCTP, got "tcp"`,
      `  9 |       ports: [{containerPort: 80, protocol: tcp}]`,
      `    |                                             ^`,
    ],
  ],
  [
    'pod-unknown-container-field.yaml',
    [
      `${M}pod-unknown-container-field.yaml:10:7: error UNKNOWN_FIELD: spec.containers[0].portz: unknown field "portz" (did you mean "ports"?): the API server would refuse it (strict field validation)`,
      `  10 |       portz: [{containerPort: 80}]`,
      `     |       ^`,
    ],
  ],
  [
    'pod-unknown-top-field.yaml',
    [
      `${M}pod-unknown-top-field.yaml:5:1: error UNKNOWN_FIELD: specs: unknown field "specs" (did you mean "spec"?): the API server would refuse it (strict field validation)`,
      `  5 | specs:`,
      `    | ^`,
    ],
  ],
  [
    'service-port-zero.yaml',
    [
      `${M}service-port-zero.yaml:8:13: error BAD_VALUE: spec.ports[0].port: expected a port number from 1 to 65535, got 0`,
      `  8 |     - port: 0`,
      `    |             ^`,
    ],
  ],
  [
    'yaml-bad-indent.yaml',
    [
      `${M}yaml-bad-indent.yaml:4:9: error YAML_SYNTAX: nested mappings are not allowed in compact mappings`,
      `  4 |   name: web`,
      `    |         ^`,
      `${M}yaml-bad-indent.yaml:4:9: error YAML_SYNTAX: implicit keys need to be on a single line`,
      `  4 |   name: web`,
      `    |         ^`,
    ],
  ],
  [
    'yaml-duplicate-key.yaml',
    [
      `${M}yaml-duplicate-key.yaml:5:3: error YAML_SYNTAX: map keys must be unique; each key may appear once in a map`,
      `  5 |   name: api`,
      `    |   ^`,
    ],
  ],
  [
    'yaml-second-document.yaml',
    [
      `${M}yaml-second-document.yaml:8:11: error YAML_SYNTAX: this flow map is never closed; expected "}"`,
      `  8 | metadata: {name: web, labels: [app=web}`,
      `    |           ^`,
      `${M}yaml-second-document.yaml:8:31: error YAML_SYNTAX: this flow sequence is never closed; expected "]"`,
      `  8 | metadata: {name: web, labels: [app=web}`,
      `    |                               ^`,
    ],
  ],
  [
    'yaml-tab-indent.yaml',
    [
      `${M}yaml-tab-indent.yaml:4:1: error YAML_SYNTAX: tabs are not allowed as indentation; indent with spaces`,
      `  4 | \tname: web`,
      `    | ^`,
    ],
  ],
  [
    'yaml-unclosed-flow.yaml',
    [
      `${M}yaml-unclosed-flow.yaml:5:11: error YAML_SYNTAX: this flow map is never closed; expected "}"`,
      `  5 |   labels: {app: web`,
      `    |           ^`,
    ],
  ],
];

/** Each malformed kubeconfig and the one line `run` prints for it. */
const KUBECONFIGS: readonly (readonly [file: string, message: string])[] = [
  [
    'not-yaml',
    `cannot load the kubeconfig: ${K}not-yaml:6:1: not valid YAML: missed comma between flow collection entries`,
  ],
  ['empty', `cannot load the kubeconfig: ${K}empty (--kubeconfig) is empty`],
  ['a-list', `kubeconfig ${K}a-list defines no contexts, clusters or users (is it a kubeconfig?)`],
  ['a-manifest', `kubeconfig ${K}a-manifest defines no contexts, clusters or users (is it a kubeconfig?)`],
  [
    'no-current-context',
    `kubeconfig ${K}no-current-context sets no current-context: pass --context (it has dev, prod)`,
  ],
  [
    'current-context-missing',
    `the current-context staging of kubeconfig ${K}current-context-missing is not one of its contexts (it has dev)`,
  ],
  [
    'context-missing-cluster',
    `context dev names cluster "dev", which kubeconfig ${K}context-missing-cluster does not define`,
  ],
  [
    'context-missing-user',
    `context dev names user "dev", which kubeconfig ${K}context-missing-user does not define`,
  ],
  [
    'cluster-without-server',
    `cannot load the kubeconfig: ${K}cluster-without-server (--kubeconfig): clusters[0].cluster.server is missing`,
  ],
  [
    'plain-http',
    `cluster dev of kubeconfig ${K}plain-http has server http://127.0.0.1:1, plain HTTP, which the Kubernetes client refuses unless the cluster sets insecure-skip-tls-verify: true`,
  ],
  [
    'server-not-a-url',
    `cluster dev of kubeconfig ${K}server-not-a-url has server "127.0.0.1 port 6443", which is not a URL`,
  ],
  [
    'closed-port',
    'cannot reach the API server https://127.0.0.1:1 of context dev: connection refused: nothing listens there',
  ],
  [
    'expired-client-certificate',
    `the client certificate of user expired-user (kubeconfig ${K}expired-client-certificate) expired on 2001-01-01T00:00:00Z: the API server will refuse it; get a new one from whoever runs the cluster`,
  ],
  [
    'client-certificate-missing',
    `cannot read client-certificate ${K}certs/dev.crt of user dev (kubeconfig ${K}client-certificate-missing): no such file`,
  ],
  [
    'certificate-authority-missing',
    `cannot read certificate-authority /nonexistent/netpol-assert/ca.crt of cluster dev (kubeconfig ${K}certificate-authority-missing): no such file`,
  ],
  [
    'client-certificate-not-pem',
    `the client certificate of user dev (kubeconfig ${K}client-certificate-not-pem) is not a PEM certificate`,
  ],
];

/** Sets environment variables for one in-process run, and puts them back. */
async function withEnvironment<T>(
  values: Readonly<Record<string, string | undefined>>,
  run: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (next: Readonly<Record<string, string | undefined>>): void => {
    for (const [name, value] of Object.entries(next)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(values);
  try {
    return await run();
  } finally {
    apply(saved);
  }
}

function summary(count: number): string {
  return `netpol-assert: ${count} problem${count === 1 ? '' : 's'} in the manifests; nothing was run`;
}

test('the corpus holds at least 30 malformed manifests and kubeconfigs, each with its expected message', () => {
  assert.ok(MANIFESTS.length + KUBECONFIGS.length >= 30, `${MANIFESTS.length + KUBECONFIGS.length} cases`);
  for (const [file] of MANIFESTS) assert.ok(existsSync(`${M}${file}`), file);
  for (const [file] of KUBECONFIGS) assert.ok(existsSync(`${K}${file}`), file);
});

describe('a malformed manifest is bad input (exit 2) at its file:line:column, and nothing runs', () => {
  for (const [file, problems] of MANIFESTS) {
    test(file, async () => {
      const result = await runCli(['predict', SUITE, '--state', `${M}${file}`]);
      assert.equal(
        result.stderr,
        [...problems, summary(problems.filter((line) => line.startsWith(M)).length)].join('\n') + '\n',
      );
      assert.equal(result.stdout, '');
      assert.equal(result.exitCode, ExitCode.badInput);
    });
  }
});

describe('a malformed kubeconfig is a cluster that cannot be used (exit 3), said before any request', () => {
  for (const [file, message] of KUBECONFIGS) {
    test(file, async () => {
      const result = await runCli([SUITE, '--kubeconfig', `${K}${file}`]);
      assert.equal(result.stderr, `netpol-assert: ${message}\n`);
      assert.equal(result.stdout, '');
      assert.equal(result.exitCode, ExitCode.clusterUnusable);
    });
  }
});

describe('kubeconfigs chosen by flag or environment', () => {
  test('--context naming a context the file does not have', async () => {
    const result = await runCli([SUITE, '--kubeconfig', `${K}closed-port`, '--context', 'prod']);
    assert.equal(
      result.stderr,
      `netpol-assert: --context prod: kubeconfig ${K}closed-port has no such context (it has dev)\n`,
    );
    assert.equal(result.exitCode, ExitCode.clusterUnusable);
  });

  test('--kubeconfig naming a file that does not exist', async () => {
    const result = await runCli([SUITE, '--kubeconfig', `${K}does-not-exist`]);
    assert.equal(
      result.stderr,
      `netpol-assert: cannot load the kubeconfig: ${K}does-not-exist (--kubeconfig) does not exist\n`,
    );
    assert.equal(result.exitCode, ExitCode.clusterUnusable);
  });

  test('$KUBECONFIG naming a file that does not exist', async () => {
    const result = await withEnvironment({ KUBECONFIG: `${K}does-not-exist` }, () => runCli([SUITE]));
    assert.equal(
      result.stderr,
      `netpol-assert: cannot load the kubeconfig: ${K}does-not-exist ($KUBECONFIG) does not exist\n`,
    );
    assert.equal(result.exitCode, ExitCode.clusterUnusable);
  });

  test('$KUBECONFIG naming two files: the one that is not YAML is named, at its line', async () => {
    const result = await withEnvironment({ KUBECONFIG: `${K}closed-port:${K}not-yaml` }, () =>
      runCli([SUITE]),
    );
    assert.equal(
      result.stderr,
      `netpol-assert: cannot load the kubeconfig: ${K}not-yaml:6:1: not valid YAML: missed comma between flow collection entries\n`,
    );
    assert.equal(result.exitCode, ExitCode.clusterUnusable);
  });

  test('$KUBECONFIG naming a folder', async () => {
    const result = await withEnvironment({ KUBECONFIG: FIXTURES }, () => runCli([SUITE]));
    assert.equal(
      result.stderr,
      `netpol-assert: cannot load the kubeconfig: ${FIXTURES} ($KUBECONFIG) is a folder, not a file\n`,
    );
    assert.equal(result.exitCode, ExitCode.clusterUnusable);
  });

  test('clean and generate --from-cluster stop at a closed port too, before they read or delete', async () => {
    const refused =
      'netpol-assert: cannot reach the API server https://127.0.0.1:1 of context dev: connection refused: nothing listens there\n';
    for (const argv of [
      ['clean', '--kubeconfig', `${K}closed-port`],
      ['generate', '--from-cluster', '--kubeconfig', `${K}closed-port`],
    ]) {
      const result = await runCli(argv);
      assert.equal(result.stderr, refused, argv.join(' '));
      assert.equal(result.exitCode, ExitCode.clusterUnusable, argv.join(' '));
    }
  });
});

describe('an API server that refuses the credentials', () => {
  let fake: FakeApiServer;
  before(async () => {
    fake = await FakeApiServer.start();
    fake.intercept = () => ({
      status: 401,
      body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 },
    });
  });
  after(async () => {
    await fake.stop();
  });

  test('is exit 3 after one read-only request: nothing was created, so nothing is removed', async () => {
    const result = await runCli([SUITE, '--kubeconfig', fake.kubeconfig]);
    assert.equal(
      result.stderr,
      `netpol-assert: the API server ${fake.url} of context fake refused the credentials of user fake (401 Unauthorized): they are wrong or have expired\n`,
    );
    assert.equal(result.exitCode, ExitCode.clusterUnusable);
    assert.deepEqual(fake.calls(), ['GET /api/v1']);
  });
});

describe('no kubeconfig at all: the newcomer is told where it looked, and about the lab', () => {
  let home = '';
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'netpol-assert-no-kubeconfig-'));
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });
  const newcomer = (): string =>
    [
      'netpol-assert: no kubeconfig found, so there is no cluster to run against. Looked at:',
      '  $KUBECONFIG: not set',
      `  ${home}/.kube/config: no such file`,
      `  in-cluster service account: ${SERVICE_ACCOUNT_TOKEN}: no such file`,
      'To use a cluster, name its kubeconfig with --kubeconfig or $KUBECONFIG.',
      'To try netpol-assert on a lab cluster of its own (Linux, as root), start one and add --lab to this command:',
      '  netpol-assert lab up -f MANIFESTS',
      'To check suites against manifests without any cluster:',
      '  netpol-assert predict SUITES --state MANIFESTS',
      '',
    ].join('\n');
  // Inside a pod, client-node (and kubectl) would use its service account instead.
  const inPod = existsSync(SERVICE_ACCOUNT_TOKEN)
    ? 'runs inside a pod: the service account is a kubeconfig'
    : false;

  test(
    '`netpol-assert suites/` as a process, with an empty HOME and no $KUBECONFIG: exit 3, and nothing else is said',
    { skip: inPod },
    async () => {
      const environment: Record<string, string | undefined> = { ...process.env, HOME: home };
      delete environment.KUBECONFIG;
      const result = await execa('node', ['--import', 'tsx', 'src/cli/bin.ts', 'suites/'], {
        cwd: REPO_ROOT,
        env: environment,
        extendEnv: false,
        reject: false,
        timeout: 60_000,
      });
      // execa drops the last newline.
      assert.equal(result.stderr, newcomer().trimEnd());
      assert.doesNotMatch(result.stderr, /remove|agent|HTTP protocol/);
      assert.equal(result.exitCode, ExitCode.clusterUnusable);
    },
  );

  test('an empty $KUBECONFIG is no kubeconfig, as kubectl reads it', { skip: inPod }, async () => {
    const result = await withEnvironment({ HOME: home, KUBECONFIG: '' }, () => runCli([SUITE]));
    assert.equal(result.stderr, newcomer());
    assert.equal(result.exitCode, ExitCode.clusterUnusable);
  });

  test("a lab that is not up says how to start it: the lab's kubeconfig is missing", async () => {
    const result = await withEnvironment({ XDG_RUNTIME_DIR: home }, () =>
      runCli([SUITE, '--lab', 'h12bnolab']),
    );
    assert.equal(
      result.stderr,
      `netpol-assert: cannot load the kubeconfig (is lab 'h12bnolab' up? see "netpol-assert lab up"): ${home}/netpol-assert/h12bnolab/kubeconfig does not exist\n`,
    );
    assert.equal(result.exitCode, ExitCode.clusterUnusable);
  });
});

describe('input is read before any cluster is chosen', () => {
  test('a setup manifest the API server would refuse stops `run` (exit 2) even with no kubeconfig', async () => {
    const result = await withEnvironment({ KUBECONFIG: `${K}does-not-exist` }, () =>
      runCli([`${FIXTURES}/setup-suite.yaml`]),
    );
    assert.equal(
      result.stderr,
      [
        `${M}networkpolicy-unknown-spec-field.yaml:7:3: error UNKNOWN_FIELD: spec.podSelecter: unknown field "podSelecter" (did you mean "podSelector"?): the API server would refuse it (strict field validation)`,
        '  7 |   podSelecter:',
        '    |   ^',
        "netpol-assert: 1 problem in the suites' setup manifests; nothing was run",
        '',
      ].join('\n'),
    );
    assert.equal(result.exitCode, ExitCode.badInput);
  });

  test('--state naming a path that does not exist', async () => {
    const result = await runCli(['predict', SUITE, '--state', `${M}does-not-exist.yaml`]);
    assert.equal(
      result.stderr,
      `${M}does-not-exist.yaml:1:1: error FILE_NOT_FOUND: no such file or folder: ${M}does-not-exist.yaml\n${summary(1)}\n`,
    );
    assert.equal(result.exitCode, ExitCode.badInput);
  });

  for (const [flags, message] of [
    [
      ['--kubeconfig', `${K}closed-port`, '--ready-timeout', 'abc'],
      '--ready-timeout: expected a number of seconds above 0',
    ],
    [
      ['--kubeconfig', `${K}closed-port`, '--ready-timeout', '0'],
      '--ready-timeout: expected a number of seconds above 0',
    ],
    [
      ['--kubeconfig', `${K}closed-port`, '--settle', '-1'],
      '--settle: expected a number of seconds, 0 or more',
    ],
    [
      ['--lab', 'x', '--kubeconfig', `${K}closed-port`],
      'Arguments lab and kubeconfig are mutually exclusive',
    ],
  ] as const) {
    test(`${flags.filter((flag) => !flag.startsWith('/')).join(' ')} is a usage error (exit 2) before any cluster is reached`, async () => {
      // With a kubeconfig that would be exit 3 if the flags were let through.
      const result = await runCli([SUITE, ...flags]);
      assert.equal(result.stderr, `netpol-assert: ${message}\nRun "netpol-assert --help" for usage.\n`);
      assert.equal(result.exitCode, ExitCode.badInput);
    });
  }
});
