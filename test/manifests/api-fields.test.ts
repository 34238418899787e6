/**
 * src/manifests/api-fields.json, the field tree the manifest reader checks manifests
 * against offline, is what scripts/api-fields.ts makes from the installed
 * @kubernetes/client-node and the lab's CRDs: after upgrading either, this fails until
 * `npm run generate:api-fields` is run.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { apiFields, API_FIELDS_FILE, installedClientVersion } from '../../scripts/api-fields.js';

test('api-fields.json is what the installed client and the lab CRDs make (npm run generate:api-fields)', async () => {
  const committed: unknown = JSON.parse(await readFile(API_FIELDS_FILE, 'utf8'));
  assert.deepEqual(committed, apiFields(await installedClientVersion()));
});

test('the table knows every field of a NetworkPolicy and of a Pod container the model reads', () => {
  const table = apiFields('test');
  assert.equal(table.kinds['networking.k8s.io/v1 NetworkPolicy'], 'V1NetworkPolicy');
  assert.deepEqual(Object.keys(table.types.V1NetworkPolicySpec ?? {}).sort(), [
    'egress',
    'ingress',
    'podSelector',
    'policyTypes',
  ]);
  assert.equal(table.types.V1NetworkPolicyIngressRule?.from, '[]V1NetworkPolicyPeer');
  assert.equal(table.types.V1Container?.ports, '[]V1ContainerPort');
  assert.equal(table.types['ClusterNetworkPolicy.v1alpha2']?.metadata, 'V1ObjectMeta');
});
