/**
 * Each `--cni` mode changes exactly the traffic it should: one scenario (a combined
 * selector peer, an ipBlock peer, an egress rule), the same probes in every mode, and
 * per mode the table of what must pass. Needs root, iproute2, nftables and a C compiler.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataPlaneStatus, DesiredState } from '../../src/lab/data-plane/index.js';
import { DataPlane } from '../../src/lab/data-plane/index.js';
import type { Protocol } from '../../src/policy/cluster.js';
import type { NetworkPolicyManifest } from '../../src/policy/manifest.js';
import { labSkipReason, probeFrom, verdictOf } from './lab-support.js';

const skip = (await labSkipReason()) ?? false;

const policies: NetworkPolicyManifest[] = [
  {
    metadata: { name: 'server-ingress', namespace: 'a' },
    spec: {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { team: 'b' } },
              podSelector: { matchLabels: { app: 'client' } },
            },
            { ipBlock: { cidr: '198.51.100.0/24' } },
          ],
          ports: [{ port: 80 }],
        },
      ],
    },
  },
  {
    metadata: { name: 'client-egress', namespace: 'a' },
    spec: {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }] }],
    },
  },
];

function scenario(withPolicies: boolean): DesiredState {
  const pod = (namespace: string, name: string, app: string, nodeName: string) => ({
    namespace,
    name,
    uid: `uid-${namespace}-${name}`,
    labels: { app },
    nodeName,
    ports: [{ port: 80, protocol: 'TCP' as Protocol }],
  });
  return {
    nodes: [{ name: 'node-a' }, { name: 'node-b' }],
    namespaces: [
      { name: 'a', labels: { team: 'a' } },
      { name: 'b', labels: { team: 'b' } },
    ],
    pods: [
      pod('a', 'server', 'server', 'node-a'),
      pod('a', 'client', 'client', 'node-b'),
      pod('b', 'client', 'client', 'node-b'),
      pod('b', 'other', 'other', 'node-a'),
    ],
    externalHosts: [{ name: 'ext', address: '198.51.100.10', ports: [{ port: 80, protocol: 'TCP' }] }],
    policies: withPolicies ? policies : [],
  };
}

type Verdict = 'allow' | 'deny';
type Mode = 'full' | 'none' | 'ingress-only' | 'no-ipblock' | 'no-combined-selectors';

/** Source and destination as `namespace/name` or `ext`; then what each mode lets through. */
const table: readonly (readonly [string, string, Record<Mode, Verdict>])[] = [
  [
    'b/client',
    'a/server',
    {
      full: 'allow',
      none: 'allow',
      'ingress-only': 'allow',
      'no-ipblock': 'allow',
      'no-combined-selectors': 'deny',
    },
  ],
  [
    'ext',
    'a/server',
    {
      full: 'allow',
      none: 'allow',
      'ingress-only': 'allow',
      'no-ipblock': 'deny',
      'no-combined-selectors': 'allow',
    },
  ],
  [
    'a/client',
    'a/server',
    {
      full: 'deny',
      none: 'allow',
      'ingress-only': 'deny',
      'no-ipblock': 'deny',
      'no-combined-selectors': 'deny',
    },
  ],
  [
    'a/client',
    'b/other',
    {
      full: 'deny',
      none: 'allow',
      'ingress-only': 'allow',
      'no-ipblock': 'deny',
      'no-combined-selectors': 'deny',
    },
  ],
  [
    'a/client',
    'ext',
    {
      full: 'deny',
      none: 'allow',
      'ingress-only': 'allow',
      'no-ipblock': 'deny',
      'no-combined-selectors': 'deny',
    },
  ],
  [
    'b/other',
    'a/server',
    {
      full: 'deny',
      none: 'allow',
      'ingress-only': 'deny',
      'no-ipblock': 'deny',
      'no-combined-selectors': 'deny',
    },
  ],
  [
    'b/client',
    'b/other',
    {
      full: 'allow',
      none: 'allow',
      'ingress-only': 'allow',
      'no-ipblock': 'allow',
      'no-combined-selectors': 'allow',
    },
  ],
];

/** Runs every row of the table once, concurrently; returns the verdicts in table order. */
async function observe(status: DataPlaneStatus): Promise<Verdict[]> {
  const endpoint = (ref: string) => {
    if (ref === 'ext') {
      const host = status.externalHosts[0];
      assert.ok(host);
      return { netns: host.netns, ip: host.address };
    }
    const [namespace, name] = ref.split('/');
    const pod = status.pods.find((p) => p.namespace === namespace && p.name === name);
    assert.ok(pod?.phase === 'Running', `${ref} is not running`);
    return { netns: pod.netns, ip: pod.ip };
  };
  const outcomes = await Promise.all(
    table.map(([from, to]) =>
      probeFrom(endpoint(from).netns, [{ protocol: 'TCP', address: endpoint(to).ip, port: 80 }]),
    ),
  );
  return outcomes.map(([outcome], index) =>
    verdictOf(outcome, `${table[index]?.[0]} -> ${table[index]?.[1]}`),
  );
}

function expected(mode: Mode): Verdict[] {
  return table.map(([, , verdicts]) => verdicts[mode]);
}

async function withLab<T>(lab: string, cni: string, body: (plane: DataPlane) => Promise<T>): Promise<T> {
  await DataPlane.cleanLeftovers({ lab });
  const plane = await DataPlane.create(lab, { cni });
  try {
    return await body(plane);
  } finally {
    await plane.destroy();
  }
}

describe('--cni modes', { skip }, () => {
  const labs: Record<Mode, string> = {
    full: 'tffull',
    none: 'tfnone',
    'ingress-only': 'tfingress',
    'no-ipblock': 'tfnoipblock',
    'no-combined-selectors': 'tfnocombined',
  };
  for (const mode of Object.keys(labs) as Mode[]) {
    test(`${mode} lets through exactly its column of the table`, async () => {
      const observed = await withLab(labs[mode], mode, async (plane) =>
        observe(await plane.apply(scenario(true))),
      );
      assert.deepEqual(observed, expected(mode));
    });
  }

  test('delay=SECONDS applies each policy change only after the delay', async () => {
    await withLab('tfdelay', 'delay=1.5', async (plane) => {
      const waitEnforced = async () => {
        const started = Date.now();
        while (plane.status().enforcedRevision < plane.status().policyRevision) await sleep(50);
        return Date.now() - started;
      };
      const applied = Date.now();
      const status = await plane.apply(scenario(true));
      assert.deepEqual(await observe(status), expected('none'), 'right after apply: nothing enforced yet');
      const waited = await waitEnforced();
      assert.ok(Date.now() - applied >= 1400, `enforced after ${Date.now() - applied} ms`);
      assert.ok(waited > 0);
      assert.deepEqual(await observe(status), expected('full'), 'after the delay: full enforcement');

      await plane.apply(scenario(false));
      assert.deepEqual(await observe(status), expected('full'), 'the old policies still hold');
      await waitEnforced();
      assert.deepEqual(await observe(status), expected('none'), 'policies removed after the delay');
    });
  });
});
