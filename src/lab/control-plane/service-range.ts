/** The Service ClusterIP range inside the lab's reserved block, and the `kubernetes` Service's address in it. */
import { firstHostAddress, parseCidr } from '../../shared/index.js';

export const LAB_SERVICE_CLUSTER_IP_RANGE = '198.19.128.0/20';

/** The first address of an IPv4 range, the one kube-apiserver gives the `kubernetes` Service. */
export function kubernetesServiceIp(range: string): string {
  const cidr = parseCidr(range);
  if (!cidr.ok || cidr.cidr.family !== 4) throw new Error(`not an IPv4 range: ${range}`);
  return firstHostAddress(cidr.cidr);
}
