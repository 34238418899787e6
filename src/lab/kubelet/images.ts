/**
 * The images the lab "has". There is no registry and no image store: a container of
 * netpol-assert's own image (the agent, the probe pods a run creates) runs the agent's
 * payload from build/agent/, which the lab holds under the references its payload.json
 * names, as a kind node holds what `kind load docker-image` gave it. An own image under
 * any other reference is not there and cannot be pulled (pod-status.ts says so as a
 * kubelet would). A DNS server image (CoreDNS, kube-dns) runs a real DNS server,
 * dnsmasq (src/lab/dns-server), on port 53. An image whose name holds `silent-udp` runs the
 * responder with its UDP ports silent (bound, never answering), as most real UDP services
 * are to a probe. Every other image runs as the lab's responder.
 */

/** What the lab loaded: the payload's two files and the references they are known by. */
export interface LoadedPayload {
  readonly bundle: string;
  readonly probe: string;
  readonly images: readonly string[];
}

const OWN_IMAGE = /(^|\/)netpol-assert[^/]*(:|@|$)|(^|\/)netpol-assert\/agent(:|@|$)/;

export function isOwnImage(image: string | undefined): boolean {
  return image !== undefined && OWN_IMAGE.test(image);
}

/** CoreDNS (`registry.k8s.io/coredns/coredns:v1.11.1`, `coredns/coredns`) and the old kube-dns images, any registry or tag. */
const DNS_SERVER_IMAGE = /(^|\/)(coredns|k8s-dns-kube-dns(-[a-z0-9]+)?)(:[^/]*|@[^/]*)?$/;

/** An image a cluster's DNS runs: the lab runs dnsmasq for it, as the pod's DNS server. */
export function isDnsServerImage(image: string | undefined): boolean {
  return image !== undefined && DNS_SERVER_IMAGE.test(image);
}

/** Whether any of the pod's containers is a DNS server. */
export function runsDnsServer(containers: readonly { image?: string }[]): boolean {
  return containers.some((container) => isDnsServerImage(container.image));
}

/** `…/silent-udp:TAG`, `silent-udp-server`: any registry, path or tag, the last path segment naming it. */
const SILENT_UDP_IMAGE = /(^|\/)[^/:@]*silent-udp[^/:@]*(:[^/]*|@[^/]*)?$/;

/** An image whose UDP ports the lab binds and never answers on. */
export function isSilentUdpImage(image: string | undefined): boolean {
  return image !== undefined && SILENT_UDP_IMAGE.test(image);
}

/** Whether any of the pod's containers keeps its UDP ports silent. */
export function runsSilentUdp(containers: readonly { image?: string }[]): boolean {
  return containers.some((container) => isSilentUdpImage(container.image));
}

/** An own image the lab does not hold; other images are never missing. */
export function isMissingImage(image: string | undefined, loaded: readonly string[]): boolean {
  if (!isOwnImage(image) || image === undefined) return false;
  const wanted = normalizeImage(image);
  return !loaded.some((reference) => normalizeImage(reference) === wanted);
}

export interface MissingImage {
  readonly container: string;
  readonly image: string;
}

/** The pod's containers (init containers first) whose image the lab does not hold. */
export function missingImages(
  containers: readonly { name: string; image?: string }[],
  loaded: readonly string[],
): MissingImage[] {
  return containers
    .filter((container) => isMissingImage(container.image, loaded))
    .map((container) => ({ container: container.name, image: container.image ?? '' }));
}

/**
 * The reference as containerd resolves it: a first component without a dot, a colon or
 * `localhost` is a Docker Hub path (`library/` for a single name), and no tag means `latest`.
 */
export function normalizeImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash === -1 ? '' : image.slice(0, slash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  const path = hasRegistry ? image : `docker.io/${slash === -1 ? `library/${image}` : image}`;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return lastSegment.includes(':') || lastSegment.includes('@') ? path : `${path}:latest`;
}
