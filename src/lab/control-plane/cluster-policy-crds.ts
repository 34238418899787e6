/**
 * The CustomResourceDefinitions of the policy.networking.k8s.io cluster policies, which
 * the lab installs into its API server as it starts (network-policy-api.sigs.k8s.io):
 *
 *   ClusterNetworkPolicy         v1alpha2  spec.tier Admin or Baseline, actions Accept/Deny/Pass
 *   AdminNetworkPolicy           v1alpha1  actions Allow/Deny/Pass
 *   BaselineAdminNetworkPolicy   v1alpha1  actions Allow/Deny, one object named `default`
 *
 * All three are cluster-scoped with a status subresource. The schemas are written here
 * from the API's Go types (field names, enums, bounds, "exactly one of" as
 * minProperties/maxProperties 1), as apiextensions.k8s.io/v1 structural schemas that
 * every server the lab runs accepts (1.20 included). What the upstream CRDs check with CEL
 * (`x-kubernetes-validations`, which 1.20 does not know) is left out: that a CIDR parses,
 * that a v1alpha2 range's start is below its end, and that a named port is not combined
 * with a `networks`, `nodes` or `domainNames` peer. The BANP's singleton rule becomes an
 * enum on metadata.name. The lab's enforcer (src/lab/enforcer) treats what these leave
 * through as matching nothing; the model reports it (docs/cluster-policies.md).
 */
import { ApiextensionsV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import type { KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { fromWireObject } from '../../cluster/index.js';
import { apiStatusCode } from './client.js';

export const CLUSTER_POLICY_API_GROUP = 'policy.networking.k8s.io';

/** A JSON Schema as the API server reads it (wire names: `enum`, `x-kubernetes-...`). */
type Schema = { readonly [key: string]: unknown };

const string = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const integer = (minimum: number, maximum: number): Schema => ({
  type: 'integer',
  format: 'int32',
  minimum,
  maximum,
});
const list = (items: Schema, minItems: number | undefined, maxItems: number, extra: Schema = {}): Schema => ({
  type: 'array',
  items,
  ...(minItems === undefined ? {} : { minItems }),
  maxItems,
  ...extra,
});
/** An object that sets exactly one of its fields (kubebuilder's MinProperties=1, MaxProperties=1). */
const exactlyOne = (properties: Record<string, Schema>): Schema => ({
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  properties,
});

const LABEL_SELECTOR: Schema = {
  type: 'object',
  properties: {
    matchLabels: { type: 'object', additionalProperties: string() },
    matchExpressions: list(
      {
        type: 'object',
        required: ['key', 'operator'],
        properties: { key: string(), operator: string(), values: list(string(), undefined, 1000) },
      },
      undefined,
      1000,
    ),
  },
};

const NAMESPACED_POD: Schema = {
  type: 'object',
  required: ['namespaceSelector', 'podSelector'],
  properties: { namespaceSelector: LABEL_SELECTOR, podSelector: LABEL_SELECTOR },
};

/** Subjects and ingress peers: pods by namespace, or by namespace and pod. */
const PODS_OR_NAMESPACES = exactlyOne({ namespaces: LABEL_SELECTOR, pods: NAMESPACED_POD });

const CIDRS = list(string({ maxLength: 43 }), 1, 25, { 'x-kubernetes-list-type': 'set' });
const DOMAIN_NAMES = list(
  string({
    pattern:
      '^(\\*\\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.?$',
  }),
  1,
  25,
  { 'x-kubernetes-list-type': 'set' },
);

const PORT_NUMBER = integer(1, 65535);
const RULE_NAME = string({ maxLength: 100 });

// v1alpha2 ClusterNetworkPolicy.

const V1ALPHA2_PORT = exactlyOne({
  number: PORT_NUMBER,
  range: { type: 'object', required: ['start', 'end'], properties: { start: PORT_NUMBER, end: PORT_NUMBER } },
});
const V1ALPHA2_PROTOCOL_PORT: Schema = {
  type: 'object',
  minProperties: 1,
  properties: { destinationPort: V1ALPHA2_PORT },
};
const V1ALPHA2_PROTOCOLS = list(
  exactlyOne({
    tcp: V1ALPHA2_PROTOCOL_PORT,
    udp: V1ALPHA2_PROTOCOL_PORT,
    sctp: V1ALPHA2_PROTOCOL_PORT,
    destinationNamedPort: string(),
  }),
  1,
  25,
);
const V1ALPHA2_ACTION = string({ enum: ['Accept', 'Deny', 'Pass'] });

const CLUSTER_NETWORK_POLICY_SPEC: Schema = {
  type: 'object',
  required: ['tier', 'priority', 'subject'],
  properties: {
    tier: string({ enum: ['Admin', 'Baseline'] }),
    priority: integer(0, 1000),
    subject: PODS_OR_NAMESPACES,
    ingress: list(
      rule(V1ALPHA2_ACTION, 'from', PODS_OR_NAMESPACES, 25, 'protocols', V1ALPHA2_PROTOCOLS),
      undefined,
      25,
    ),
    egress: list(
      rule(
        V1ALPHA2_ACTION,
        'to',
        exactlyOne({
          namespaces: LABEL_SELECTOR,
          pods: NAMESPACED_POD,
          nodes: LABEL_SELECTOR,
          networks: CIDRS,
          domainNames: DOMAIN_NAMES,
        }),
        25,
        'protocols',
        V1ALPHA2_PROTOCOLS,
      ),
      undefined,
      25,
    ),
  },
};

// v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy.

/** `protocol` defaults to TCP, as the upstream CRD's `default` does. */
const V1ALPHA1_PROTOCOL = string({ default: 'TCP' });
const V1ALPHA1_PORTS = list(
  exactlyOne({
    portNumber: {
      type: 'object',
      required: ['protocol', 'port'],
      properties: { protocol: V1ALPHA1_PROTOCOL, port: PORT_NUMBER },
    },
    namedPort: string(),
    portRange: {
      type: 'object',
      required: ['start', 'end'],
      properties: { protocol: V1ALPHA1_PROTOCOL, start: PORT_NUMBER, end: PORT_NUMBER },
    },
  }),
  1,
  100,
);

function v1alpha1Spec(
  actions: readonly string[],
  egressPeers: Record<string, Schema>,
  priority: boolean,
): Schema {
  const action = string({ enum: [...actions] });
  return {
    type: 'object',
    required: priority ? ['priority', 'subject'] : ['subject'],
    properties: {
      ...(priority ? { priority: integer(0, 1000) } : {}),
      subject: PODS_OR_NAMESPACES,
      ingress: list(rule(action, 'from', PODS_OR_NAMESPACES, 100, 'ports', V1ALPHA1_PORTS), undefined, 100),
      egress: list(rule(action, 'to', exactlyOne(egressPeers), 100, 'ports', V1ALPHA1_PORTS), undefined, 100),
    },
  };
}

const V1ALPHA1_EGRESS_PEERS = {
  namespaces: LABEL_SELECTOR,
  pods: NAMESPACED_POD,
  nodes: LABEL_SELECTOR,
  networks: CIDRS,
};

const ADMIN_NETWORK_POLICY_SPEC = v1alpha1Spec(
  ['Allow', 'Deny', 'Pass'],
  { ...V1ALPHA1_EGRESS_PEERS, domainNames: DOMAIN_NAMES },
  true,
);
const BASELINE_ADMIN_NETWORK_POLICY_SPEC = v1alpha1Spec(['Allow', 'Deny'], V1ALPHA1_EGRESS_PEERS, false);

function rule(
  action: Schema,
  peersField: 'from' | 'to',
  peer: Schema,
  maxItems: number,
  portsField: 'ports' | 'protocols',
  ports: Schema,
): Schema {
  return {
    type: 'object',
    required: ['action', peersField],
    properties: { name: RULE_NAME, action, [peersField]: list(peer, 1, maxItems), [portsField]: ports },
  };
}

interface CrdShape {
  readonly kind: string;
  readonly plural: string;
  readonly shortName: string;
  readonly version: string;
  readonly spec: Schema;
  /** Restrictions on metadata.name (structural schemas allow only those on metadata). */
  readonly name?: Schema;
  readonly columns: readonly { name: string; jsonPath: string; type: string }[];
  /** The review that approved the API (upstream's `api-approved.kubernetes.io`). */
  readonly approval: string;
}

const V1ALPHA1_APPROVAL = 'https://github.com/kubernetes-sigs/network-policy-api/pull/30';

const AGE = { name: 'Age', jsonPath: '.metadata.creationTimestamp', type: 'date' };
const PRIORITY = { name: 'Priority', jsonPath: '.spec.priority', type: 'integer' };

const SHAPES: readonly CrdShape[] = [
  {
    kind: 'ClusterNetworkPolicy',
    plural: 'clusternetworkpolicies',
    shortName: 'cnp',
    version: 'v1alpha2',
    spec: CLUSTER_NETWORK_POLICY_SPEC,
    columns: [{ name: 'Tier', jsonPath: '.spec.tier', type: 'string' }, PRIORITY, AGE],
    approval: 'https://github.com/kubernetes-sigs/network-policy-api/pull/347',
  },
  {
    kind: 'AdminNetworkPolicy',
    plural: 'adminnetworkpolicies',
    shortName: 'anp',
    version: 'v1alpha1',
    spec: ADMIN_NETWORK_POLICY_SPEC,
    columns: [PRIORITY, AGE],
    approval: V1ALPHA1_APPROVAL,
  },
  {
    kind: 'BaselineAdminNetworkPolicy',
    plural: 'baselineadminnetworkpolicies',
    shortName: 'banp',
    version: 'v1alpha1',
    spec: BASELINE_ADMIN_NETWORK_POLICY_SPEC,
    // "Only one baseline admin network policy with metadata.name="default" can be created".
    name: string({ enum: ['default'] }),
    columns: [AGE],
    approval: V1ALPHA1_APPROVAL,
  },
];

/** A CRD in wire form (the client's model names some fields differently: `enum` is `_enum`). */
export interface CrdObject {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string; readonly annotations: Readonly<Record<string, string>> };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string; readonly plural: string; readonly [key: string]: unknown };
    readonly versions: readonly {
      readonly name: string;
      readonly schema: { readonly openAPIV3Schema: Schema };
      readonly [key: string]: unknown;
    }[];
    readonly [key: string]: unknown;
  };
}

function crdOf(shape: CrdShape): CrdObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${shape.plural}.${CLUSTER_POLICY_API_GROUP}`,
      // *.k8s.io groups are protected: the API server wants the upstream API review named.
      annotations: { 'api-approved.kubernetes.io': shape.approval },
    },
    spec: {
      group: CLUSTER_POLICY_API_GROUP,
      scope: 'Cluster',
      names: {
        kind: shape.kind,
        listKind: `${shape.kind}List`,
        plural: shape.plural,
        singular: shape.kind.toLowerCase(),
        shortNames: [shape.shortName],
      },
      versions: [
        {
          name: shape.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: shape.columns.map((column) => ({ ...column })),
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['metadata', 'spec'],
              properties: {
                apiVersion: string(),
                kind: string(),
                metadata:
                  shape.name === undefined
                    ? { type: 'object' }
                    : { type: 'object', properties: { name: shape.name } },
                spec: shape.spec,
                // Conditions written by implementations; the lab writes none.
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

/** The three CRDs, as the lab installs them. */
export const CLUSTER_POLICY_CRDS: readonly CrdObject[] = SHAPES.map(crdOf);

const POLL_MS = 100;

/**
 * Creates the CRDs (or replaces ones left from before) and waits until each is
 * Established and its kind is in API discovery, so that the manifests applied next (by
 * kind, through discovery) and the node agent's watches find them.
 */
export async function installClusterPolicyCrds(kubeConfig: KubeConfig, timeoutMs: number): Promise<void> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  for (const crd of CLUSTER_POLICY_CRDS) {
    const body = fromWireObject(crd as unknown as Record<string, unknown>) as V1CustomResourceDefinition;
    try {
      await api.createCustomResourceDefinition({ body });
    } catch (error) {
      if (apiStatusCode(error) !== 409) throw error;
      const name = crd.metadata.name;
      const current = await api.readCustomResourceDefinition({ name });
      const resourceVersion = current.metadata?.resourceVersion ?? '';
      await api.replaceCustomResourceDefinition({
        name,
        // The approval annotation must stay: *.k8s.io groups refuse a CRD without it.
        body: { ...body, metadata: { ...body.metadata, name, resourceVersion } },
      });
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const crd of CLUSTER_POLICY_CRDS) {
    while (!(await isServed(kubeConfig, api, crd))) {
      if (Date.now() >= deadline)
        throw new Error(
          `the CustomResourceDefinition ${crd.metadata.name} was not served within ${timeoutMs / 1000}s`,
        );
      await sleep(POLL_MS);
    }
  }
}

async function isServed(kubeConfig: KubeConfig, api: ApiextensionsV1Api, crd: CrdObject): Promise<boolean> {
  const read = await api.readCustomResourceDefinition({ name: crd.metadata.name });
  const conditions = read.status?.conditions ?? [];
  if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) return false;
  // A fresh client each time: KubernetesObjectApi caches a group version's discovery, and
  // it finds the resource through discovery, as applying a manifest of the kind will.
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  try {
    await client.list(`${crd.spec.group}/${crd.spec.versions[0]?.name ?? ''}`, crd.spec.names.kind);
    return true;
  } catch (error) {
    if (apiStatusCode(error) === 404 || /Unrecognized API version and kind/.test(String(error))) return false;
    throw error;
  }
}
