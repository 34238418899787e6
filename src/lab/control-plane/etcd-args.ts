/** etcd's command line: one member, loopback only, plain HTTP (nothing but the lab reaches it). */
export interface EtcdConfig {
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

export function etcdArgs(config: EtcdConfig): string[] {
  const client = `http://127.0.0.1:${config.clientPort}`;
  const peer = `http://127.0.0.1:${config.peerPort}`;
  return [
    '--name=lab',
    `--data-dir=${config.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=lab=${peer}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    '--log-outputs=stderr',
    '--log-level=warn',
  ];
}

export function etcdUrl(config: Pick<EtcdConfig, 'clientPort'>): string {
  return `http://127.0.0.1:${config.clientPort}`;
}
