/** Which namespaces the lab's labeler writes `kubernetes.io/metadata.name` on, and for which servers (1.21+ label by themselves). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  labelsNamespaceNames,
  lacksNameLabel,
  parseKubernetesVersion,
} from '../../../src/lab/control-plane/index.js';
import { NAMESPACE_NAME_LABEL } from '../../../src/shared/index.js';

test('a namespace without the label, or with a wrong value, needs it; a labelled or terminating one does not', () => {
  assert.equal(NAMESPACE_NAME_LABEL, 'kubernetes.io/metadata.name');
  assert.equal(lacksNameLabel({ metadata: { name: 'shop' } }), true);
  assert.equal(
    lacksNameLabel({ metadata: { name: 'shop', labels: { [NAMESPACE_NAME_LABEL]: 'other' } } }),
    true,
  );
  assert.equal(
    lacksNameLabel({ metadata: { name: 'shop', labels: { [NAMESPACE_NAME_LABEL]: 'shop' } } }),
    false,
  );
  assert.equal(lacksNameLabel({ metadata: { name: 'shop', deletionTimestamp: new Date() } }), false);
});

test('the labeler runs only for servers before 1.21; from 1.21 the API server sets the label itself', () => {
  const labels = (gitVersion: string): boolean => {
    const version = parseKubernetesVersion(gitVersion);
    assert.ok(version !== undefined);
    return labelsNamespaceNames(version);
  };
  assert.equal(labels('v1.20.2'), false, 'Debian 1.20: the lab labels');
  assert.equal(labels('v1.21.0'), true);
  assert.equal(labels('v1.28.7'), true, '1.28: the server labels');
});
