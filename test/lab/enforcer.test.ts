/**
 * The policy compiler and the nftables renderer on their own (no root needed): the
 * spec's defaults as the compiler states them, each CNI mode's gap, and what the
 * renderer refuses to write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkPolicyManifest } from '../../src/policy/manifest.js';
import { compileRulesets, parseCniMode, renderRuleset } from '../../src/lab/enforcer/index.js';
import type { CniMode, EnforcedPod, EnforcementInput, PodChains } from '../../src/lab/enforcer/index.js';

const FULL: CniMode = { kind: 'full' };

function pod(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  ip: string,
  extra: Partial<EnforcedPod> = {},
): EnforcedPod {
  return {
    namespace,
    name,
    labels,
    ip,
    nodeName: 'node-a',
    hostNetwork: false,
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
    hostLink: `cali${name
      .padEnd(11, '0')
      .slice(0, 11)
      .replace(/[^0-9a-f]/g, 'a')}`,
    ...extra,
  };
}

const web = pod('web', 'shop', { app: 'web' }, '198.18.0.10');
const api = pod('api', 'shop', { app: 'api' }, '198.18.0.11', {
  ports: [{ name: 'http', port: 9000, protocol: 'TCP' }],
  hostLink: 'calibbbbbbbbbbb',
});
const mon = pod('mon', 'ops', { app: 'mon' }, '198.18.0.12', {
  nodeName: 'node-b',
  hostLink: 'calicccccccccc0',
});

function input(policies: NetworkPolicyManifest[], pods: EnforcedPod[] = [web, api, mon]): EnforcementInput {
  return {
    namespaces: [
      { name: 'shop', labels: { team: 'shop' } },
      { name: 'ops', labels: { team: 'ops' } },
    ],
    nodes: [
      { name: 'node-a', address: '198.19.0.1' },
      { name: 'node-b', address: '198.19.0.2' },
    ],
    pods,
    policies,
  };
}

function chainsOf(name: string, policies: NetworkPolicyManifest[], mode: CniMode = FULL): PodChains {
  const found = compileRulesets(input(policies), mode)
    .flatMap((ruleset) => ruleset.pods)
    .find((chains) => chains.pod.endsWith(`/${name}`));
  assert.ok(found, `no chains for ${name}`);
  return found;
}

function policy(
  name: string,
  spec: NetworkPolicyManifest['spec'],
  namespace = 'shop',
): NetworkPolicyManifest {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

test('a pod that no policy selects has neither an ingress nor an egress chain', () => {
  const chains = chainsOf('mon', [policy('deny', { podSelector: {} })]);
  assert.equal(chains.ingress, undefined);
  assert.equal(chains.egress, undefined);
});

test('without policyTypes a policy isolates ingress, and egress only when it has egress rules', () => {
  const ingressOnly = chainsOf('web', [policy('p', { podSelector: {}, egress: [] })]);
  assert.deepEqual(
    ingressOnly.ingress?.map((allow) => allow.origin),
    ['node node-a is always allowed'],
  );
  assert.equal(ingressOnly.egress, undefined);
  const both = chainsOf('web', [policy('p', { podSelector: {}, egress: [{}] })]);
  assert.deepEqual(both.egress, [
    { peer: { kind: 'anyAddress' }, port: { kind: 'anyPort' }, origin: 'shop/p egress[0]' },
  ]);
});

// The API server defaults when `len(spec.PolicyTypes) == 0` (SetDefaults_NetworkPolicy): `[]`
// and null are "not specified", exactly as a missing key.
for (const policyTypes of [[], null] as const) {
  test(`policyTypes ${JSON.stringify(policyTypes)} is defaulted as if unset: Ingress, plus Egress with egress rules`, () => {
    const types = policyTypes === null ? null : [...policyTypes];
    const noEgressRules = chainsOf('web', [policy('p', { podSelector: {}, policyTypes: types })]);
    assert.deepEqual(
      noEgressRules.ingress?.map((allow) => allow.origin),
      ['node node-a is always allowed'],
      'ingress isolated, nothing but the node allowed',
    );
    assert.equal(noEgressRules.egress, undefined);
    const emptyEgress = chainsOf('web', [policy('p', { podSelector: {}, policyTypes: types, egress: [] })]);
    assert.equal(emptyEgress.egress, undefined, '`egress: []` adds no Egress');
    const withEgress = chainsOf('web', [
      policy('p', {
        podSelector: {},
        policyTypes: types,
        egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
      }),
    ]);
    assert.ok(withEgress.ingress, 'ingress isolated');
    assert.deepEqual(withEgress.egress, [
      {
        peer: { kind: 'anyAddress' },
        port: { kind: 'portRange', protocol: 'UDP', first: 53, last: 53 },
        origin: 'shop/p egress[0]',
      },
    ]);
  });
}

test('a policy type listed twice counts once (the API server accepts duplicates)', () => {
  const chains = chainsOf('web', [policy('p', { podSelector: {}, policyTypes: ['Egress', 'Egress'] })]);
  assert.equal(chains.ingress, undefined);
  assert.deepEqual(chains.egress, []);
});

test('policyTypes Egress alone leaves ingress open even when ingress rules are listed', () => {
  const chains = chainsOf('web', [policy('p', { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] })]);
  assert.equal(chains.ingress, undefined);
  assert.deepEqual(chains.egress, []);
});

test('a peer with both selectors admits the labelled pods of the labelled namespaces only', () => {
  const chains = chainsOf('web', [
    policy('p', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { team: 'ops' } },
              podSelector: { matchLabels: { app: 'mon' } },
            },
          ],
        },
      ],
    }),
  ]);
  assert.deepEqual(chains.ingress?.[1]?.peer, { kind: 'addresses', addresses: ['198.18.0.12'] });
});

test('a podSelector peer alone stays in the policy namespace; namespaceSelector {} reaches every namespace', () => {
  const own = chainsOf('web', [policy('p', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })]);
  assert.deepEqual(own.ingress?.[1]?.peer, { kind: 'addresses', addresses: ['198.18.0.10', '198.18.0.11'] });
  const all = chainsOf('web', [
    policy('p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
  ]);
  assert.deepEqual(all.ingress?.[1]?.peer, {
    kind: 'addresses',
    addresses: ['198.18.0.10', '198.18.0.11', '198.18.0.12'],
  });
});

test('namespaces carry kubernetes.io/metadata.name even when the namespace object does not list it', () => {
  const chains = chainsOf('web', [
    policy('p', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } }] }],
    }),
  ]);
  assert.deepEqual(chains.ingress?.[1]?.peer, { kind: 'addresses', addresses: ['198.18.0.12'] });
});

test('matchExpressions follow the set-based operators, NotIn and DoesNotExist matching absent labels', () => {
  const selected = (expression: { key: string; operator: string; values?: string[] }) =>
    compileRulesets(input([policy('p', { podSelector: { matchExpressions: [expression] } })]), FULL)
      .flatMap((ruleset) => ruleset.pods)
      .filter((chains) => chains.ingress !== undefined)
      .map((chains) => chains.pod);
  assert.deepEqual(selected({ key: 'app', operator: 'In', values: ['web'] }), ['shop/web']);
  assert.deepEqual(selected({ key: 'app', operator: 'NotIn', values: ['web'] }), ['shop/api']);
  assert.deepEqual(selected({ key: 'tier', operator: 'DoesNotExist' }), ['shop/web', 'shop/api']);
  assert.deepEqual(selected({ key: 'tier', operator: 'Exists' }), []);
  assert.deepEqual(
    selected({ key: 'app', operator: 'In', values: [] }),
    [],
    'an invalid selector matches nothing',
  );
});

test('a named ingress port resolves on the pod itself, with its protocol', () => {
  const chains = chainsOf('web', [
    policy('p', {
      podSelector: {},
      ingress: [{ ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }, { port: 'dns' }] }],
    }),
  ]);
  assert.deepEqual(
    chains.ingress?.slice(1).map((allow) => allow.port),
    [
      { kind: 'portRange', protocol: 'TCP', first: 8080, last: 8080 },
      { kind: 'portRange', protocol: 'UDP', first: 53, last: 53 },
    ],
  );
});

test('a named egress port resolves on each destination pod separately', () => {
  const chains = chainsOf('web', [
    policy('p', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'http' }] }],
    }),
  ]);
  assert.deepEqual(
    chains.egress?.map((allow) => [allow.peer, allow.port]),
    [
      [
        { kind: 'addresses', addresses: ['198.18.0.10'] },
        { kind: 'portRange', protocol: 'TCP', first: 8080, last: 8080 },
      ],
      [
        { kind: 'addresses', addresses: ['198.18.0.11'] },
        { kind: 'portRange', protocol: 'TCP', first: 9000, last: 9000 },
      ],
      [
        { kind: 'addresses', addresses: ['198.18.0.12'] },
        { kind: 'portRange', protocol: 'TCP', first: 8080, last: 8080 },
      ],
    ],
  );
});

test('endPort makes a range; a port without protocol is TCP; a protocol without port is every port of it', () => {
  const chains = chainsOf('web', [
    policy('p', {
      podSelector: {},
      ingress: [{ ports: [{ port: 8000, endPort: 8100 }, { protocol: 'UDP' }] }],
    }),
  ]);
  assert.deepEqual(
    chains.ingress?.slice(1).map((allow) => allow.port),
    [
      { kind: 'portRange', protocol: 'TCP', first: 8000, last: 8100 },
      { kind: 'protocol', protocol: 'UDP' },
    ],
  );
});

test('hostNetwork pods are never selected and never match a pod selector', () => {
  const agent = pod('agent', 'shop', { app: 'web' }, '198.19.0.1', { hostNetwork: true });
  const rulesets = compileRulesets(
    input([policy('p', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })], [web, agent]),
    FULL,
  );
  const chains = rulesets.flatMap((ruleset) => ruleset.pods);
  assert.deepEqual(
    chains.map((c) => c.pod),
    ['shop/web'],
  );
  assert.deepEqual(chains[0]?.ingress?.[1]?.peer, { kind: 'addresses', addresses: ['198.18.0.10'] });
});

const ipBlockAndCombined = [
  policy('p', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          { ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } },
          {
            namespaceSelector: { matchLabels: { team: 'ops' } },
            podSelector: { matchLabels: { app: 'mon' } },
          },
        ],
      },
    ],
    egress: [{ to: [{ podSelector: {} }] }],
  }),
];

test('each CNI mode removes exactly its feature', () => {
  const origins = (mode: string) => {
    const parsed = parseCniMode(mode);
    assert.ok(parsed.ok);
    const chains = compileRulesets(input(ipBlockAndCombined), parsed.mode)
      .flatMap((ruleset) => ruleset.pods)
      .find((c) => c.pod === 'shop/web');
    return {
      ingress: chains?.ingress?.map((allow) => allow.peer.kind),
      egress: chains?.egress?.map((allow) => allow.peer.kind),
    };
  };
  assert.deepEqual(origins('full'), { ingress: ['addresses', 'block', 'addresses'], egress: ['addresses'] });
  assert.deepEqual(origins('delay=2'), origins('full'));
  assert.deepEqual(origins('none'), { ingress: undefined, egress: undefined });
  assert.deepEqual(origins('ingress-only'), {
    ingress: ['addresses', 'block', 'addresses'],
    egress: undefined,
  });
  assert.deepEqual(origins('no-ipblock'), { ingress: ['addresses', 'addresses'], egress: ['addresses'] });
  assert.deepEqual(origins('no-combined-selectors'), {
    ingress: ['addresses', 'block'],
    egress: ['addresses'],
  });
});

test('unknown --cni modes are refused with the list of known ones', () => {
  const parsed = parseCniMode('weave');
  assert.equal(parsed.ok, false);
  assert.match(parsed.ok ? '' : parsed.problem, /full, none, ingress-only/);
});

test('the rendered ruleset replaces one inet table atomically and drops what no clause allows', () => {
  const [nodeA] = compileRulesets(input(ipBlockAndCombined), FULL);
  assert.ok(nodeA);
  const script = renderRuleset(nodeA);
  assert.match(script, /^table inet npa \{\}\ndelete table inet npa\ntable inet npa \{/);
  assert.match(script, /ip saddr 203\.0\.113\.0\/24 ip saddr != 203\.0\.113\.128\/25 accept/);
  assert.match(script, /ct state established ct direction reply accept/);
  assert.match(script, /iifname vmap \{ "cali[0-9a-f]{11}" : jump eg-/);
  assert.equal(script.match(/^\s+drop$/gm)?.length, 2);
});

test('a node with no isolated pod gets no table at all', () => {
  const script = renderRuleset({ node: 'node-a', pods: [{ pod: 'shop/web', hostLink: 'caliaaaaaaaaaaa' }] });
  assert.equal(script, 'table inet npa {}\ndelete table inet npa\n');
});

test('the renderer refuses an interface or an address it did not expect', () => {
  const allow = { peer: { kind: 'anyAddress' }, port: { kind: 'anyPort' }, origin: 'x' } as const;
  assert.throws(
    () => renderRuleset({ node: 'n', pods: [{ pod: 'a/b', hostLink: 'eth0; drop', ingress: [allow] }] }),
    /interface/,
  );
  assert.throws(
    () =>
      renderRuleset({
        node: 'n',
        pods: [
          {
            pod: 'a/b',
            hostLink: 'caliaaaaaaaaaaa',
            ingress: [{ ...allow, peer: { kind: 'addresses', addresses: ['1.2.3.4 } accept'] } }],
          },
        ],
      }),
    /address/,
  );
});

test('text from API objects reaches nft comments only as safe characters', () => {
  const hostile = policy('x";flush ruleset;"', { podSelector: {}, ingress: [{}] });
  const [nodeA] = compileRulesets(input([hostile]), FULL);
  assert.ok(nodeA);
  const script = renderRuleset(nodeA);
  assert.doesNotMatch(script, /flush ruleset;/);
  assert.match(script, /comment "shop\/x__flush ruleset__ ingress\[0\]"/);
});
