/**
 * Invalid cluster policies are errors at the offending field (code, file:line:col), as the
 * CRDs' schemas and CEL rules would reject them; unknown policy kinds are warnings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests, stateFromManifests } from '../../src/manifests/index.js';
import type { ManifestError } from '../../src/manifests/index.js';
import { clusterPolicyWarnings } from '../../src/policy/index.js';

function errorsOf(text: string): readonly ManifestError[] {
  const parsed = parseManifests(text, 'policies.yaml');
  assert.deepEqual(parsed.errors, []);
  return stateFromManifests(parsed.objects).errors;
}

/** One error, with its code, place and the start of its message. */
function expectError(text: string, line: number, col: number, message: RegExp): void {
  const errors = errorsOf(text);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.equal(errors[0]?.code, 'BAD_CLUSTER_POLICY');
  assert.deepEqual(errors[0]?.location, { file: 'policies.yaml', line, col });
  assert.match(errors[0]?.message ?? '', message);
}

const ANP = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: guard }
`;
const CNP = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: guard }
`;
const BANP = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
`;

test('invalid ANP: a priority above 1000 is out of range', () => {
  expectError(
    `${ANP}spec:\n  priority: 1001\n  subject: { namespaces: {} }\n`,
    5,
    13,
    /^spec\.priority: 1001 is out of range: expected 0 to 1000/,
  );
});

test('invalid ANP: a negative priority is out of range', () => {
  expectError(
    `${ANP}spec:\n  priority: -1\n  subject: { namespaces: {} }\n`,
    5,
    13,
    /^spec\.priority: -1 is out of range/,
  );
});

test('invalid ANP: the priority is required', () => {
  expectError(`${ANP}spec:\n  subject: { namespaces: {} }\n`, 5, 3, /^spec\.priority: is required/);
});

test('invalid CNP: the tier must be Admin or Baseline', () => {
  expectError(
    `${CNP}spec:\n  tier: Developer\n  priority: 1\n  subject: { namespaces: {} }\n`,
    5,
    9,
    /^spec\.tier: "Developer" is not a tier/,
  );
});

test('invalid CNP: Allow is a v1alpha1 action, v1alpha2 says Accept', () => {
  expectError(
    `${CNP}spec:\n  tier: Admin\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n    - action: Allow\n      from: [ { namespaces: {} } ]\n`,
    9,
    15,
    /^spec\.ingress\[0\]\.action: "Allow" is not an action of ClusterNetworkPolicy: expected Accept, Deny, Pass \(v1alpha1 Allow is v1alpha2 Accept\)/,
  );
});

test('invalid ANP: an unknown action is an error', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  egress:\n    - action: Drop\n      to: [ { namespaces: {} } ]\n`,
    8,
    15,
    /^spec\.egress\[0\]\.action: "Drop" is not an action of AdminNetworkPolicy: expected Allow, Deny, Pass$/,
  );
});

test('invalid BANP: Pass is not a BaselineAdminNetworkPolicy action', () => {
  expectError(
    `${BANP}metadata: { name: default }\nspec:\n  subject: { namespaces: {} }\n  ingress:\n    - action: Pass\n      from: [ { namespaces: {} } ]\n`,
    7,
    15,
    /"Pass" is not an action of BaselineAdminNetworkPolicy: expected Allow, Deny \(Pass hands over/,
  );
});

test('invalid BANP: a v1alpha1 BANP must be named default', () => {
  expectError(
    `${BANP}metadata: { name: baseline }\nspec:\n  subject: { namespaces: {} }\n`,
    3,
    19,
    /^metadata\.name: must be "default"/,
  );
});

test('invalid ANP: a named port cannot be used with a networks peer', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  egress:\n    - action: Deny\n      to: [ { networks: [10.0.0.0/8] } ]\n      ports:\n        - namedPort: http\n`,
    11,
    11,
    /^spec\.egress\[0\]\.ports\[0\]: a named port cannot be used with a networks peer/,
  );
});

test('invalid CNP: a destinationNamedPort cannot be used with a nodes peer', () => {
  expectError(
    `${CNP}spec:\n  tier: Baseline\n  priority: 1\n  subject: { namespaces: {} }\n  egress:\n    - action: Deny\n      to: [ { nodes: {} } ]\n      protocols: [ { destinationNamedPort: http } ]\n`,
    11,
    20,
    /^spec\.egress\[0\]\.protocols\[0\]: a named port cannot be used with a nodes peer/,
  );
});

test('invalid CNP: networks peers are for egress rules only', () => {
  expectError(
    `${CNP}spec:\n  tier: Admin\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n    - action: Deny\n      from: [ { networks: [10.0.0.0/8] } ]\n`,
    10,
    27,
    /^spec\.ingress\[0\]\.from\[0\]\.networks: networks peers are for egress rules only/,
  );
});

test('invalid ANP: a peer may set only one of its fields', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n    - action: Deny\n      from:\n        - namespaces: {}\n          pods: { namespaceSelector: {}, podSelector: {} }\n`,
    10,
    11,
    /^spec\.ingress\[0\]\.from\[0\]: an ingress peer must set exactly one of namespaces, pods \(got namespaces, pods\)/,
  );
});

test('invalid ANP: a NetworkPolicy ipBlock is not a peer of an AdminNetworkPolicy', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  egress:\n    - action: Deny\n      to: [ { ipBlock: { cidr: 10.0.0.0/8 } } ]\n`,
    9,
    24,
    /^spec\.egress\[0\]\.to\[0\]\.ipBlock: "ipBlock" is not a field of an egress peer/,
  );
});

test('invalid CNP: the subject may not set both namespaces and pods', () => {
  expectError(
    `${CNP}spec:\n  tier: Admin\n  priority: 1\n  subject:\n    namespaces: {}\n    pods: { podSelector: {} }\n`,
    8,
    5,
    /^spec\.subject: a subject must set exactly one of namespaces, pods/,
  );
});

test('invalid CNP: the subject is required', () => {
  expectError(`${CNP}spec:\n  tier: Admin\n  priority: 1\n`, 5, 3, /^spec\.subject: is required/);
});

test('invalid ANP: a networks entry must be a CIDR', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  egress:\n    - action: Deny\n      to: [ { networks: [10.0.0.0/33] } ]\n`,
    9,
    26,
    /^spec\.egress\[0\]\.to\[0\]\.networks\[0\]: "10\.0\.0\.0\/33" is not a CIDR/,
  );
});

test('invalid ANP: networks is a set, a CIDR listed twice is refused (+listType=set)', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  egress:\n    - action: Deny\n      to: [ { networks: [10.0.0.0/24, 10.0.0.0/24] } ]\n`,
    9,
    39,
    /^spec\.egress\[0\]\.to\[0\]\.networks\[1\]: "10\.0\.0\.0\/24" is listed twice/,
  );
});

test('invalid CNP: domainNames is a set, a name listed twice is refused (+listType=set)', () => {
  expectError(
    `${CNP}spec:\n  tier: Admin\n  priority: 1\n  subject: { namespaces: {} }\n  egress:\n    - action: Deny\n      to: [ { domainNames: [a.example.com, a.example.com] } ]\n`,
    10,
    44,
    /^spec\.egress\[0\]\.to\[0\]\.domainNames\[1\]: "a\.example\.com" is listed twice/,
  );
});

test('invalid CNP: a port range needs start below end (CEL self.start < self.end)', () => {
  expectError(
    `${CNP}spec:\n  tier: Admin\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n    - action: Deny\n      from: [ { namespaces: {} } ]\n      protocols: [ { tcp: { destinationPort: { range: { start: 90, end: 90 } } } } ]\n`,
    11,
    73,
    /^spec\.ingress\[0\]\.protocols\[0\]\.tcp\.destinationPort\.range\.end: must be greater than start \(90\)$/,
  );
});

test('invalid ANP: a reversed v1alpha1 portRange matches nothing and is an error', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n    - action: Deny\n      from: [ { namespaces: {} } ]\n      ports: [ { portRange: { start: 90, end: 80 } } ]\n`,
    10,
    47,
    /^spec\.ingress\[0\]\.ports\[0\]\.portRange\.end: must be greater than start \(90\) or equal to it$/,
  );
});

test('invalid CNP: at most 25 ingress rules', () => {
  const rules = Array.from(
    { length: 26 },
    () => '    - { action: Deny, from: [ { namespaces: {} } ] }\n',
  ).join('');
  expectError(
    `${CNP}spec:\n  tier: Admin\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n${rules}`,
    9,
    5,
    /^spec\.ingress: must have at most 25 items \(got 26\)/,
  );
});

test('invalid ANP: a rule name is at most 100 characters', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n    - name: ${'n'.repeat(101)}\n      action: Deny\n      from: [ { namespaces: {} } ]\n`,
    8,
    13,
    /^spec\.ingress\[0\]\.name: must be at most 100 characters \(got 101\)/,
  );
});

test('invalid ANP: from must have at least one peer', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n    - action: Deny\n      from: []\n`,
    9,
    13,
    /^spec\.ingress\[0\]\.from: must have at least 1 item/,
  );
});

test('invalid ANP: a v1alpha1 pods peer requires its namespaceSelector', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject:\n    pods: { podSelector: { matchLabels: { app: db } } }\n`,
    7,
    11,
    /^spec\.subject\.pods\.namespaceSelector: is required/,
  );
});

test('invalid CNP: a tcp protocol requires its destinationPort', () => {
  expectError(
    `${CNP}spec:\n  tier: Admin\n  priority: 1\n  subject: { namespaces: {} }\n  egress:\n    - action: Deny\n      to: [ { namespaces: {} } ]\n      protocols: [ { tcp: {} } ]\n`,
    11,
    27,
    /^spec\.egress\[0\]\.protocols\[0\]\.tcp\.destinationPort: is required/,
  );
});

test('invalid ANP: port number 0 is not a port', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n    - action: Deny\n      from: [ { namespaces: {} } ]\n      ports: [ { portNumber: { port: 0 } } ]\n`,
    10,
    38,
    /^spec\.ingress\[0\]\.ports\[0\]\.portNumber\.port: 0 is not a port number/,
  );
});

test('invalid ANP: a portNumber protocol must be TCP, UDP or SCTP', () => {
  expectError(
    `${ANP}spec:\n  priority: 1\n  subject: { namespaces: {} }\n  ingress:\n    - action: Deny\n      from: [ { namespaces: {} } ]\n      ports: [ { portNumber: { protocol: ICMP, port: 1 } } ]\n`,
    10,
    42,
    /^spec\.ingress\[0\]\.ports\[0\]\.portNumber\.protocol: "ICMP" is not a protocol/,
  );
});

test('invalid ANP: a label selector with a bad operator is reported at the operator', () => {
  const errors = errorsOf(
    `${ANP}spec:\n  priority: 1\n  subject:\n    namespaces:\n      matchExpressions: [ { key: team, operator: Near, values: [a] } ]\n`,
  );
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.code, 'BAD_CLUSTER_POLICY');
  assert.match(errors[0]?.message ?? '', /^spec\.subject\.namespaces\.matchExpressions\[0\]\.operator: /);
});

test('invalid: the same AdminNetworkPolicy name twice is a duplicate', () => {
  const spec = 'spec: { priority: 1, subject: { namespaces: {} } }\n';
  const errors = errorsOf(`${ANP}${spec}---\n${ANP}${spec}`);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.code, 'DUPLICATE');
  assert.deepEqual(errors[0]?.location, { file: 'policies.yaml', line: 6, col: 1 });
});

test('state: every error of a policy is reported, none of it is built', () => {
  const parsed = parseManifests(
    `${ANP}spec:\n  priority: 5000\n  subject: { namespaces: {} }\n  ingress:\n    - action: Drop\n      from: [ { namespaces: {} } ]\n`,
    'policies.yaml',
  );
  const { state, errors } = stateFromManifests(parsed.objects);
  assert.equal(errors.length, 2);
  assert.equal(state.clusterPolicies, undefined);
});

test('state: the three kinds build, sorted by kind then name, with v1alpha1 Allow read as Accept', () => {
  const parsed = parseManifests(
    `${CNP.replace('guard', 'zeta')}spec: { tier: Baseline, priority: 3, subject: { namespaces: {} } }
---
${ANP}spec:
  priority: 2
  subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: db } } } }
  ingress: [ { name: ok, action: Allow, from: [ { namespaces: {} } ], ports: [ { portNumber: { port: 5432 } } ] } ]
---
${BANP}metadata: { name: default }
spec: { subject: { namespaces: {} } }
`,
    'policies.yaml',
  );
  const { state, errors } = stateFromManifests(parsed.objects);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    state.clusterPolicies?.map((p) => [p.ref.kind, p.ref.name, p.tier, p.priority]),
    [
      ['AdminNetworkPolicy', 'guard', 'Admin', 2],
      ['BaselineAdminNetworkPolicy', 'default', 'Baseline', undefined],
      ['ClusterNetworkPolicy', 'zeta', 'Baseline', 3],
    ],
  );
  assert.deepEqual(state.clusterPolicies?.[0]?.ingress[0], {
    index: 0,
    name: 'ok',
    action: 'Accept',
    peers: [{ kind: 'namespaces', namespaces: { kind: 'all' } }],
    ports: { kind: 'ports', ports: [{ kind: 'number', protocol: 'TCP', port: 5432 }] },
  });
});

test('state: policies the model does not know are warnings naming them, not errors', () => {
  const parsed = parseManifests(
    `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: l7, namespace: shop }
spec: {}
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: { name: host }
spec: {}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: global }
spec: {}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: calico, namespace: shop }
spec: {}
---
apiVersion: crd.antrea.io/v1beta1
kind: ClusterNetworkPolicy
metadata: { name: antrea }
spec: {}
---
apiVersion: policy.networking.k8s.io/v1beta1
kind: ClusterNetworkPolicy
metadata: { name: future }
spec: {}
`,
    'policies.yaml',
  );
  const { state, errors } = stateFromManifests(parsed.objects);
  assert.deepEqual(errors, []);
  assert.equal(state.clusterPolicies, undefined);
  const warnings = clusterPolicyWarnings(state);
  assert.equal(warnings.length, 6);
  assert.ok(warnings.every((w) => w.code === 'UNMODELLED_POLICY'));
  assert.deepEqual(
    warnings.map((w) => w.location?.line),
    [6, 1, 21, 26, 11, 16],
  );
  assert.match(
    warnings[1]?.message ?? '',
    /^cilium\.io\/v2 CiliumNetworkPolicy shop\/l7 is not modelled: verdicts involving namespace shop may be wrong$/,
  );
  assert.match(
    warnings[2]?.message ?? '',
    /crd\.antrea\.io\/v1beta1 ClusterNetworkPolicy antrea is not modelled: verdicts anywhere/,
  );
});

test('state: equal priorities in a tier and domainNames peers are warnings', () => {
  const parsed = parseManifests(
    `${ANP}spec: { priority: 4, subject: { namespaces: {} }, egress: [ { action: Allow, to: [ { domainNames: [example.com] } ] } ] }
---
${CNP}spec: { tier: Admin, priority: 4, subject: { namespaces: {} } }
`,
    'policies.yaml',
  );
  const { state, errors } = stateFromManifests(parsed.objects);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    clusterPolicyWarnings(state).map((w) => w.code),
    ['DOMAIN_NAMES', 'SAME_PRIORITY'],
  );
});

test('state: manifests without cluster policies give a state without the new fields', () => {
  const parsed = parseManifests('apiVersion: v1\nkind: Namespace\nmetadata: { name: x }\n', 'policies.yaml');
  const { state } = stateFromManifests(parsed.objects);
  assert.equal('clusterPolicies' in state, false);
  assert.equal('unmodelledPolicies' in state, false);
});
