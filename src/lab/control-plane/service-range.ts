/** The Service ClusterIP range inside the lab's reserved block, and the `kubernetes` Service's address in it. */
export const LAB_SERVICE_CLUSTER_IP_RANGE = '198.19.128.0/20';

/** The first address of an IPv4 range, the one kube-apiserver gives the `kubernetes` Service. */
export function kubernetesServiceIp(range: string): string {
  const [address = ''] = range.split('/');
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((octet) => !Number.isInteger(octet) || octet < 0 || octet > 255))
    throw new Error(`not an IPv4 range: ${range}`);
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
