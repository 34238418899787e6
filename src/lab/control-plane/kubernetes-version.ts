/**
 * Which Kubernetes the lab runs, and what follows from it. The lab takes whatever
 * kube-apiserver it finds (Debian's 1.20 build, a current release), so the command lines
 * and the lab's own stand-ins for missing features are chosen by version, here, in one
 * place: each fact below names the release that changed it.
 */
export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As the binary or the server states it, e.g. `v1.28.7`. */
  readonly gitVersion: string;
}

/**
 * A version from `kube-apiserver --version` ("Kubernetes v1.28.7") or a server's
 * gitVersion ("v1.28.7", "v1.20.2-dirty"); undefined for anything else.
 */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const match = /\bv(\d+)\.(\d+)\.(\d+)\S*/.exec(text.trim());
  if (match === null) return undefined;
  const [gitVersion, major, minor, patch] = match;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), gitVersion };
}

/** Whether `version` is `major.minor` or later. */
export function isAtLeast(version: KubernetesVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/**
 * Before 1.24 kube-apiserver opened an unauthenticated port (8080) and the controller
 * manager and scheduler plain ones (10252, 10251) unless given `--insecure-port=0` or
 * `--port=0`; 1.24 removed those ports and the flags with them.
 */
export function hasInsecurePortFlags(version: KubernetesVersion): boolean {
  return !isAtLeast(version, 1, 24);
}

/** Since 1.21 the API server labels every namespace `kubernetes.io/metadata.name` (NamespaceDefaultLabelName). */
export function labelsNamespaceNames(version: KubernetesVersion): boolean {
  return isAtLeast(version, 1, 21);
}

/**
 * NetworkPolicy `endPort`: absent before 1.21 (the server drops the field), behind a
 * feature gate until 1.22, and GA in 1.25; the lab uses it from 1.25 on.
 */
export function servesEndPort(version: KubernetesVersion): boolean {
  return isAtLeast(version, 1, 25);
}
