/**
 * The control plane's command lines keep the lab on 127.0.0.1: secure ports bound to
 * loopback, the plain ports Kubernetes before 1.24 opens by default switched off (and
 * their flags, which 1.24 removed, left out after), and the Service range inside the
 * lab's reserved block. Both versions the lab is tested with: Debian's 1.20.2 and 1.28.7.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  hasInsecurePortFlags,
  kubernetesServiceIp,
  labelsNamespaceNames,
  LAB_SERVICE_CLUSTER_IP_RANGE,
  parseKubernetesVersion,
  schedulerArgs,
  servesEndPort,
} from '../../../src/lab/control-plane/index.js';
import type { ApiserverConfig, KubernetesVersion, LabPki } from '../../../src/lab/control-plane/index.js';

const files = (name: string) => ({ cert: `/pki/${name}.crt`, key: `/pki/${name}.key` });
const pki: LabPki = {
  caCert: '/pki/ca.crt',
  caKey: '/pki/ca.key',
  apiserver: files('apiserver'),
  admin: files('admin'),
  apiserverKubeletClient: files('apiserver-kubelet-client'),
  kubelet: files('kubelet'),
  controllerManager: files('controller-manager'),
  scheduler: files('scheduler'),
  serviceAccountKey: '/pki/sa.key',
  serviceAccountPublicKey: '/pki/sa.pub',
};

const flags = (args: readonly string[]): Map<string, string> =>
  new Map(
    args.map((arg) => [
      arg.slice(2, arg.includes('=') ? arg.indexOf('=') : undefined),
      arg.split('=').slice(1).join('='),
    ]),
  );

const version = (text: string): KubernetesVersion => {
  const parsed = parseKubernetesVersion(text);
  assert.ok(parsed !== undefined, text);
  return parsed;
};
const v1_20 = version('Kubernetes v1.20.2');
const v1_28 = version('Kubernetes v1.28.7');

const apiserver = (overrides: Partial<ApiserverConfig> = {}): ApiserverConfig => ({
  pki,
  etcdUrl: 'http://127.0.0.1:2379',
  securePort: 6443,
  serviceClusterIpRange: LAB_SERVICE_CLUSTER_IP_RANGE,
  serviceAccountAdmission: true,
  ...overrides,
});

test('versions are read from `--version` output and from a server gitVersion', () => {
  assert.deepEqual(v1_28, { major: 1, minor: 28, patch: 7, gitVersion: 'v1.28.7' });
  assert.deepEqual(parseKubernetesVersion('v1.20.2-dirty'), {
    major: 1,
    minor: 20,
    patch: 2,
    gitVersion: 'v1.20.2-dirty',
  });
  assert.equal(parseKubernetesVersion('Kubernetes'), undefined);
  assert.equal(parseKubernetesVersion(''), undefined);
});

test('what follows from the version: plain-port flags before 1.24, namespace name labels from 1.21, endPort from 1.25', () => {
  const cases = [
    ['v1.20.2', true, false, false],
    ['v1.21.0', true, true, false],
    ['v1.23.17', true, true, false],
    ['v1.24.0', false, true, false],
    ['v1.25.0', false, true, true],
    ['v1.28.7', false, true, true],
    ['v2.0.0', false, true, true],
  ] as const;
  for (const [text, insecure, labels, endPort] of cases) {
    assert.equal(hasInsecurePortFlags(version(text)), insecure, `${text} plain-port flags`);
    assert.equal(labelsNamespaceNames(version(text)), labels, `${text} namespace name label`);
    assert.equal(servesEndPort(version(text)), endPort, `${text} endPort`);
  }
});

for (const kubernetes of [v1_20, v1_28]) {
  test(`kube-apiserver ${kubernetes.gitVersion} serves on 127.0.0.1 only, with Node,RBAC, and reaches kubelets by their Hostname address`, () => {
    const args = flags(apiserverArgs(apiserver(), kubernetes));
    assert.equal(args.get('bind-address'), '127.0.0.1');
    assert.equal(args.get('authorization-mode'), 'Node,RBAC');
    assert.equal(args.get('kubelet-preferred-address-types'), 'Hostname');
    assert.equal(args.get('kubelet-certificate-authority'), '/pki/ca.crt');
    assert.equal(args.get('service-account-signing-key-file'), '/pki/sa.key');
    assert.equal(args.has('disable-admission-plugins'), false);
  });

  test(`kube-apiserver ${kubernetes.gitVersion} without a controller manager (no token controller) has ServiceAccount admission off`, () => {
    const args = flags(apiserverArgs(apiserver({ serviceAccountAdmission: false }), kubernetes));
    assert.equal(args.get('disable-admission-plugins'), 'ServiceAccount');
  });

  test(`the controller manager and scheduler ${kubernetes.gitVersion} serve nothing`, () => {
    for (const args of [
      controllerManagerArgs(
        { pki, kubeconfig: '/k', serviceClusterIpRange: LAB_SERVICE_CLUSTER_IP_RANGE },
        kubernetes,
      ),
      schedulerArgs({ kubeconfig: '/k' }, kubernetes),
    ]) {
      assert.equal(flags(args).get('secure-port'), '0');
      assert.equal(flags(args).get('leader-elect'), 'false');
    }
  });
}

test('on 1.20 the plain ports are switched off: --insecure-port=0 and --port=0', () => {
  assert.equal(flags(apiserverArgs(apiserver(), v1_20)).get('insecure-port'), '0');
  const controllerManager = controllerManagerArgs(
    { pki, kubeconfig: '/k', serviceClusterIpRange: LAB_SERVICE_CLUSTER_IP_RANGE },
    v1_20,
  );
  assert.equal(flags(controllerManager).get('port'), '0');
  assert.equal(flags(schedulerArgs({ kubeconfig: '/k' }, v1_20)).get('port'), '0');
});

test('on 1.28 no removed flag is passed: no --insecure-port, no --port (1.28 refuses them)', () => {
  const removed = ['insecure-port', 'port'];
  const lines = [
    apiserverArgs(apiserver(), v1_28),
    apiserverArgs(apiserver({ serviceAccountAdmission: false }), v1_28),
    controllerManagerArgs(
      { pki, kubeconfig: '/k', serviceClusterIpRange: LAB_SERVICE_CLUSTER_IP_RANGE },
      v1_28,
    ),
    schedulerArgs({ kubeconfig: '/k' }, v1_28),
  ];
  assert.equal(lines.length, 4);
  for (const args of lines) for (const flag of removed) assert.equal(flags(args).has(flag), false, flag);
});

test('etcd listens on 127.0.0.1 only', () => {
  const etcd = etcdArgs({ dataDir: '/lab/etcd', clientPort: 2379, peerPort: 2380 });
  const urls = etcd.filter((arg) => arg.includes('http'));
  assert.equal(urls.length, 5);
  for (const url of urls) assert.match(url, /http:\/\/127\.0\.0\.1:/);
});

test('the Service range lies in 198.18.0.0/15 and its first address is the kubernetes Service', () => {
  assert.equal(LAB_SERVICE_CLUSTER_IP_RANGE, '198.19.128.0/20');
  assert.equal(kubernetesServiceIp(LAB_SERVICE_CLUSTER_IP_RANGE), '198.19.128.1');
  assert.equal(kubernetesServiceIp('10.96.0.0/12'), '10.96.0.1');
  assert.throws(() => kubernetesServiceIp('fd00::/64'), /not an IPv4 range/);
});
