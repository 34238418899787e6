/** Which namespaces the lab's labeler writes `kubernetes.io/metadata.name` on (Kubernetes 1.21 does it by itself). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lacksNameLabel, NAMESPACE_NAME_LABEL } from '../../../src/lab/control-plane/index.js';

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
