/**
 * The control plane's command lines keep the lab on 127.0.0.1: secure ports bound to
 * loopback, the plain ports 1.20 opens by default switched off, and the Service range
 * inside the lab's reserved block.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  kubernetesServiceIp,
  LAB_SERVICE_CLUSTER_IP_RANGE,
  schedulerArgs,
} from '../../../src/lab/control-plane/index.js';
import type { LabPki } from '../../../src/lab/control-plane/index.js';

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

test('kube-apiserver serves on 127.0.0.1 only, with Node,RBAC, and reaches kubelets by their Hostname address', () => {
  const args = flags(
    apiserverArgs({
      pki,
      etcdUrl: 'http://127.0.0.1:2379',
      securePort: 6443,
      serviceClusterIpRange: LAB_SERVICE_CLUSTER_IP_RANGE,
      serviceAccountAdmission: true,
    }),
  );
  assert.equal(args.get('bind-address'), '127.0.0.1');
  assert.equal(args.get('insecure-port'), '0');
  assert.equal(args.get('authorization-mode'), 'Node,RBAC');
  assert.equal(args.get('kubelet-preferred-address-types'), 'Hostname');
  assert.equal(args.get('kubelet-certificate-authority'), '/pki/ca.crt');
  assert.equal(args.get('service-account-signing-key-file'), '/pki/sa.key');
  assert.equal(args.has('disable-admission-plugins'), false);
});

test('without a controller manager (no token controller) ServiceAccount admission is off', () => {
  const args = flags(
    apiserverArgs({
      pki,
      etcdUrl: 'http://127.0.0.1:2379',
      securePort: 6443,
      serviceClusterIpRange: LAB_SERVICE_CLUSTER_IP_RANGE,
      serviceAccountAdmission: false,
    }),
  );
  assert.equal(args.get('disable-admission-plugins'), 'ServiceAccount');
});

test('etcd listens on 127.0.0.1 only; the controller manager and scheduler serve nothing', () => {
  const etcd = etcdArgs({ dataDir: '/lab/etcd', clientPort: 2379, peerPort: 2380 });
  for (const url of etcd.filter((arg) => arg.includes('http'))) assert.match(url, /http:\/\/127\.0\.0\.1:/);
  for (const args of [
    controllerManagerArgs({ pki, kubeconfig: '/k', serviceClusterIpRange: LAB_SERVICE_CLUSTER_IP_RANGE }),
    schedulerArgs({ kubeconfig: '/k' }),
  ]) {
    assert.equal(flags(args).get('port'), '0');
    assert.equal(flags(args).get('secure-port'), '0');
  }
});

test('the Service range lies in 198.18.0.0/15 and its first address is the kubernetes Service', () => {
  assert.equal(LAB_SERVICE_CLUSTER_IP_RANGE, '198.19.128.0/20');
  assert.equal(kubernetesServiceIp(LAB_SERVICE_CLUSTER_IP_RANGE), '198.19.128.1');
  assert.equal(kubernetesServiceIp('10.96.0.0/12'), '10.96.0.1');
  assert.throws(() => kubernetesServiceIp('fd00::/64'), /not an IPv4 range/);
});
