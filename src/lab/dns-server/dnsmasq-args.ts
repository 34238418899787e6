/**
 * dnsmasq's command line for a lab DNS pod: a real DNS server nobody here wrote
 * (Debian's dnsmasq-base), answering from local records only. It never forwards: no
 * resolv.conf, no /etc/hosts, no configuration file, no upstream server, so a name
 * outside `cluster.local` gets REFUSED and no query ever leaves the pod.
 */
import { isIPv4 } from 'node:net';
import { kubernetesServiceIp, LAB_SERVICE_CLUSTER_IP_RANGE } from '../control-plane/index.js';

/** The domain the lab's DNS answers, as a cluster's DNS does. */
export const CLUSTER_DOMAIN = 'cluster.local';

/** What every name in the cluster domain resolves to: the `kubernetes` Service's address. */
export const CLUSTER_DOMAIN_ANSWER = kubernetesServiceIp(LAB_SERVICE_CLUSTER_IP_RANGE);

export const DNS_SERVER_PORT = 53;

export interface DnsmasqOptions {
  /** The pod's address: the only one dnsmasq binds (UDP and TCP). */
  readonly listen: string;
  /** Default CLUSTER_DOMAIN_ANSWER. */
  readonly answer?: string;
  /** Default 53. */
  readonly port?: number;
}

export function dnsmasqArgs(options: DnsmasqOptions): string[] {
  const answer = options.answer ?? CLUSTER_DOMAIN_ANSWER;
  const port = options.port ?? DNS_SERVER_PORT;
  if (!isIPv4(options.listen))
    throw new Error(`dnsmasq: want an IPv4 address to listen on, got '${options.listen}'`);
  if (!isIPv4(answer)) throw new Error(`dnsmasq: want an IPv4 answer, got '${answer}'`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`dnsmasq: bad port ${port}`);
  return [
    // One process in the foreground, logging to stderr: no fork per TCP query, no pid file.
    '--no-daemon',
    '--log-facility=-',
    '--pid-file=',
    // Local records only: nothing read from this host, nothing forwarded anywhere.
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--no-poll',
    `--address=/${CLUSTER_DOMAIN}/${answer}`,
    // The pod's address alone, bound at start (a failure to bind ends dnsmasq at once).
    `--listen-address=${options.listen}`,
    '--bind-interfaces',
    `--port=${port}`,
  ];
}
