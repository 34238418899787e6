import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetworkPolicyManifest, NetworkPolicy, PolicyError } from '../../src/policy/index.js';
import { buildPolicy, policyTypes, validatePolicy } from '../../src/policy/index.js';
import { manifest } from './fixtures.js';

/** `inNamespace: false` leaves metadata.namespace out. */
const built = (spec: NetworkPolicyManifest['spec'], inNamespace = true): NetworkPolicy => {
  const m = manifest('p', spec);
  if (!inNamespace) delete (m.metadata as { namespace?: string }).namespace;
  const result = buildPolicy(m, 'fallback');
  if (!result.ok) assert.fail(JSON.stringify(result.errors));
  return result.policy;
};
const errors = (spec: NetworkPolicyManifest['spec']): PolicyError[] => validatePolicy(manifest('p', spec));
const all = { matchLabels: {}, matchExpressions: [] };

// https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
test('spec: policyTypes defaults to [Ingress] when the policy has no egress rules', () => {
  const p = built({ podSelector: {}, ingress: [{}] });
  assert.deepEqual(p.ingress, [{ peers: { kind: 'anyPeer' }, ports: { kind: 'anyPort' } }]);
  assert.equal(p.egress, undefined);
});

test('spec: policyTypes defaults to [Ingress, Egress] when egress rules are present', () => {
  const p = built({ podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
  assert.deepEqual(p.ingress, [], 'ingress is always set, with no rules: isolated');
  assert.deepEqual(p.egress, [
    {
      peers: { kind: 'anyPeer' },
      ports: { kind: 'ports', ports: [{ kind: 'number', protocol: 'UDP', port: 53 }] },
    },
  ]);
});

test('spec: `egress: []` without policyTypes does not isolate egress (the API server defaults on len(egress))', () => {
  const p = built({ podSelector: {}, egress: [] });
  assert.equal(p.egress, undefined);
  assert.deepEqual(p.ingress, []);
});

test('spec: policyTypes [Egress] with `egress: []` isolates egress and allows nothing, ingress untouched', () => {
  const p = built({ podSelector: {}, policyTypes: ['Egress'], egress: [] });
  assert.deepEqual(p.egress, []);
  assert.equal(p.ingress, undefined);
});

test('spec: an egress-only policy ignores ingress rules it carries', () => {
  const p = built({ podSelector: {}, policyTypes: ['Egress'], ingress: [{}] });
  assert.equal(p.ingress, undefined);
  assert.deepEqual(p.egress, []);
});

test('spec: policyTypes [Ingress] with no ingress key isolates ingress with no rules, same as `ingress: []`', () => {
  assert.deepEqual(built({ podSelector: {}, policyTypes: ['Ingress'] }).ingress, []);
  assert.deepEqual(built({ podSelector: {}, policyTypes: ['Ingress'], ingress: [] }).ingress, []);
});

// The API server defaults policyTypes when `len(spec.PolicyTypes) == 0` (SetDefaults_NetworkPolicy):
// an empty list and null are "not specified", exactly as a missing key.
interface DefaultingCase {
  readonly listed: [] | null;
  readonly egress?: NonNullable<NetworkPolicyManifest['spec']['egress']>;
  readonly egressIsolated: boolean;
}
const defaultingCases: DefaultingCase[] = [
  { listed: [], egressIsolated: false },
  { listed: [], egress: [], egressIsolated: false },
  { listed: [], egress: [{}], egressIsolated: true },
  { listed: null, egressIsolated: false },
  { listed: null, egress: [{ to: [] }], egressIsolated: true },
];
for (const { listed, egress, egressIsolated } of defaultingCases) {
  const egressText = egress === undefined ? 'no egress key' : `egress: ${JSON.stringify(egress)}`;
  test(`spec: policyTypes ${JSON.stringify(listed)} with ${egressText} is defaulted as if unset`, () => {
    const unset: NetworkPolicyManifest['spec'] = {
      podSelector: {},
      ...(egress === undefined ? {} : { egress }),
    };
    const spec: NetworkPolicyManifest['spec'] = { ...unset, policyTypes: listed };
    const types = policyTypes(manifest('p', spec));
    assert.deepEqual(types, { ingress: true, egress: egressIsolated });
    assert.deepEqual(types, policyTypes(manifest('p', unset)), 'the same as without the key');
    const p = built(spec);
    assert.deepEqual(p.ingress, [], 'ingress isolated, with no rules');
    assert.equal(p.egress !== undefined, egressIsolated);
  });
}

test('spec: a policy type listed twice counts once (the API server accepts duplicates)', () => {
  assert.deepEqual(policyTypes(manifest('p', { podSelector: {}, policyTypes: ['Egress', 'Egress'] })), {
    ingress: false,
    egress: true,
  });
});

test('spec: `ingress: [{}]` is one rule for any peer on any port: allow all', () => {
  assert.deepEqual(built({ podSelector: {}, ingress: [{}] }).ingress, [
    { peers: { kind: 'anyPeer' }, ports: { kind: 'anyPort' } },
  ]);
});

test('spec: `from: []` and an absent `from` both match any peer; `ports: []` any port', () => {
  const p = built({ podSelector: {}, ingress: [{ from: [], ports: [] }, { from: null }] });
  assert.deepEqual(p.ingress, [
    { peers: { kind: 'anyPeer' }, ports: { kind: 'anyPort' } },
    { peers: { kind: 'anyPeer' }, ports: { kind: 'anyPort' } },
  ]);
});

test('spec: `ports: [{}]` is every TCP port, not every port (protocol defaults to TCP)', () => {
  const p = built({ podSelector: {}, ingress: [{ ports: [{}] }] });
  assert.deepEqual(p.ingress?.[0]?.ports, {
    kind: 'ports',
    ports: [{ kind: 'allPortsOf', protocol: 'TCP' }],
  });
});

test('spec: a port may be a number, a range up to endPort, or a named container port', () => {
  const p = built({
    podSelector: {},
    ingress: [
      {
        ports: [
          { port: 80 },
          { port: 32000, endPort: 32768, protocol: 'UDP' },
          { port: 'http' },
          { protocol: 'SCTP' },
        ],
      },
    ],
  });
  assert.deepEqual(p.ingress?.[0]?.ports, {
    kind: 'ports',
    ports: [
      { kind: 'number', protocol: 'TCP', port: 80 },
      { kind: 'number', protocol: 'UDP', port: 32000, endPort: 32768 },
      { kind: 'named', protocol: 'TCP', name: 'http' },
      { kind: 'allPortsOf', protocol: 'SCTP' },
    ],
  });
});

test('spec: a peer without namespaceSelector means the policy namespace; `{}` means all namespaces', () => {
  const p = built({
    podSelector: {},
    ingress: [
      {
        from: [
          { podSelector: { matchLabels: { pod: 'b' } } },
          { namespaceSelector: {} },
          { namespaceSelector: { matchLabels: { team: 'ops' } } },
        ],
      },
    ],
  });
  assert.deepEqual(p.ingress?.[0]?.peers, {
    kind: 'peers',
    peers: [
      {
        kind: 'pods',
        namespaces: { kind: 'own', namespace: 'x' },
        pods: { kind: 'labelled', selector: { matchLabels: { pod: 'b' }, matchExpressions: [] } },
      },
      { kind: 'pods', namespaces: { kind: 'all' }, pods: { kind: 'all' } },
      {
        kind: 'pods',
        namespaces: { kind: 'labelled', selector: { matchLabels: { team: 'ops' }, matchExpressions: [] } },
        pods: { kind: 'all' },
      },
    ],
  });
});

test('spec: namespaceSelector and podSelector in one peer are one peer (AND), in two entries two peers (OR)', () => {
  const and = built({
    podSelector: {},
    ingress: [
      {
        from: [
          { namespaceSelector: { matchLabels: { team: 'ops' } }, podSelector: { matchLabels: { pod: 'a' } } },
        ],
      },
    ],
  });
  const or = built({
    podSelector: {},
    ingress: [
      {
        from: [
          { namespaceSelector: { matchLabels: { team: 'ops' } } },
          { podSelector: { matchLabels: { pod: 'a' } } },
        ],
      },
    ],
  });
  const peers = (p: NetworkPolicy): number => {
    const matcher = p.ingress?.[0]?.peers;
    return matcher?.kind === 'peers' ? matcher.peers.length : 0;
  };
  assert.equal(peers(and), 1);
  assert.equal(peers(or), 2);
});

test('spec: an ipBlock keeps its cidr and except list', () => {
  const p = built({
    podSelector: {},
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
  });
  assert.deepEqual(p.egress?.[0]?.peers, {
    kind: 'peers',
    peers: [{ kind: 'ipBlock', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }],
  });
});

test('spec: an empty podSelector selects every pod of the policy namespace; a manifest without one lives in the default namespace', () => {
  const p = built({ podSelector: {} }, false);
  assert.deepEqual(p.target, { namespace: 'fallback', podSelector: all });
  assert.deepEqual(p.ref, { namespace: 'fallback', name: 'p' });
});

const invalid: readonly {
  title: string;
  spec: NetworkPolicyManifest['spec'];
  path: (string | number)[];
  message: RegExp;
}[] = [
  {
    title: 'ipBlock together with a selector',
    spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] },
    path: ['spec', 'ingress', 0, 'from', 0],
    message: /may not specify ipBlock together with podSelector or namespaceSelector/,
  },
  {
    title: 'a peer with nothing in it',
    spec: { podSelector: {}, egress: [{ to: [{}] }] },
    path: ['spec', 'egress', 0, 'to', 0],
    message: /must specify a peer/,
  },
  {
    title: 'a bad CIDR',
    spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/40' } }] }] },
    path: ['spec', 'ingress', 0, 'from', 0, 'ipBlock', 'cidr'],
    message: /prefix must be a number from 0 to 32/,
  },
  {
    title: 'an except outside the cidr',
    spec: {
      podSelector: {},
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.2.0.0/24'] } }] }],
    },
    path: ['spec', 'ingress', 0, 'from', 0, 'ipBlock', 'except', 0],
    message: /strict subset/,
  },
  {
    title: 'an except equal to the cidr',
    spec: {
      podSelector: {},
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }] }],
    },
    path: ['spec', 'ingress', 0, 'from', 0, 'ipBlock', 'except', 0],
    message: /strict subset/,
  },
  {
    title: 'endPort below port',
    spec: { podSelector: {}, ingress: [{ ports: [{ port: 9000, endPort: 8000 }] }] },
    path: ['spec', 'ingress', 0, 'ports', 0, 'endPort'],
    message: /greater than or equal to port \(9000\)/,
  },
  {
    title: 'endPort with a named port',
    spec: { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 8000 }] }] },
    path: ['spec', 'ingress', 0, 'ports', 0, 'endPort'],
    message: /named port/,
  },
  {
    title: 'endPort without port',
    spec: { podSelector: {}, ingress: [{ ports: [{ endPort: 8000 }] }] },
    path: ['spec', 'ingress', 0, 'ports', 0, 'endPort'],
    message: /port is not specified/,
  },
  {
    title: 'a port number out of range',
    spec: { podSelector: {}, ingress: [{ ports: [{ port: 70000 }] }] },
    path: ['spec', 'ingress', 0, 'ports', 0, 'port'],
    message: /1 to 65535/,
  },
  {
    title: 'a port name that is not an IANA service name',
    spec: { podSelector: {}, ingress: [{ ports: [{ port: '8080' }] }] },
    path: ['spec', 'ingress', 0, 'ports', 0, 'port'],
    message: /at least one letter/,
  },
  {
    title: 'a lowercase protocol',
    spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'tcp', port: 80 }] }] },
    path: ['spec', 'ingress', 0, 'ports', 0, 'protocol'],
    message: /expected TCP, UDP or SCTP/,
  },
  {
    title: 'an unknown policy type',
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Sideways'] },
    path: ['spec', 'policyTypes', 1],
    message: /expected Ingress or Egress/,
  },
  {
    title: 'a bad selector in a peer',
    spec: {
      podSelector: {},
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } }] }],
    },
    path: ['spec', 'ingress', 0, 'from', 0, 'podSelector', 'matchExpressions', 0, 'values'],
    message: /non-empty for In/,
  },
];

for (const row of invalid) {
  test(`spec validation: ${row.title} is an error with its path, not an exception`, () => {
    const found = errors(row.spec);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.deepEqual(found[0]?.path, row.path);
    assert.match(found[0]?.message ?? '', row.message);
    const result = buildPolicy(manifest('p', row.spec));
    assert.equal(result.ok, false);
  });
}

test('spec validation: every problem of a manifest is reported at once, and a missing name is one', () => {
  const m = {
    metadata: { name: '' },
    spec: { ingress: [{ ports: [{ port: 0 }, { protocol: 'ICMP' }] }] },
  } as NetworkPolicyManifest;
  assert.deepEqual(
    validatePolicy(m).map((e) => e.path.join('.')),
    ['metadata.name', 'spec.ingress.0.ports.0.port', 'spec.ingress.0.ports.1.protocol'],
  );
});

test('spec validation: values of the wrong shape from YAML are errors, not crashes', () => {
  const m = {
    metadata: { name: 'p' },
    spec: { ingress: { from: [] }, egress: [{ to: 'everyone' }] },
  } as unknown as NetworkPolicyManifest;
  assert.deepEqual(
    validatePolicy(m).map((e) => `${e.path.join('.')}: ${e.message}`),
    ['spec.ingress: must be a list', 'spec.egress.0.to: must be a list'],
  );
});
