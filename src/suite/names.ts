/**
 * Kubernetes object names, as the API server validates them; each function says why a
 * name is not valid, or returns undefined when it is.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Namespaces: an RFC 1123 label. */
export function namespaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'expected a namespace name';
  if (name.includes('/'))
    return `namespace "${name}" is not a namespace name; expected a name without "/" (lowercase letters, digits and "-")`;
  if (name.length > 63 || !DNS_LABEL.test(name))
    return `namespace "${name}" is not a namespace name; expected at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit`;
  return undefined;
}

/** Pods, workloads and nodes: an RFC 1123 subdomain. */
export function objectNameProblem(what: string, name: string): string | undefined {
  if (name.length === 0) return `expected a ${what} name`;
  const valid =
    name.length <= 253 && name.split('.').every((label) => label.length <= 63 && DNS_LABEL.test(label));
  if (!valid)
    return `${what} name "${name}" is not valid; expected lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`;
  return undefined;
}

/** Services: an RFC 1035 label. */
export function serviceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'expected a service name';
  if (name.length > 63 || !DNS_1035_LABEL.test(name))
    return `service name "${name}" is not valid; expected at most 63 lowercase letters, digits and "-", starting with a letter`;
  return undefined;
}
