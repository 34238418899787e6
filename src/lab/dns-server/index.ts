/** The lab's DNS server: Debian's dnsmasq in the pods of a DNS server image (kubelet/images.ts), answering locally only. */

// Its command line (pure): the pod's address, port 53, `cluster.local` only, never forwarding.
export { CLUSTER_DOMAIN, CLUSTER_DOMAIN_ANSWER, DNS_SERVER_PORT, dnsmasqArgs } from './dnsmasq-args.js';
export type { DnsmasqOptions } from './dnsmasq-args.js';
// One process per DNS pod, inside its namespace and cgroups.
export { DnsServerFailed, startDnsServer } from './process.js';
export type { RunningDnsServer } from './process.js';
