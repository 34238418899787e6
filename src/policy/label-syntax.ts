/** What Kubernetes accepts as a label key and a label value. */
// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0) return `invalid label key "${key}": the prefix before "/" must not be empty`;
    if (prefix.length > 253) return `invalid label key "${key}": the prefix must be at most 253 characters`;
    if (!DNS_SUBDOMAIN.test(prefix))
      return `invalid label key "${key}": the prefix must be a DNS subdomain (lowercase letters, digits, "-" and ".")`;
  }
  if (name.length === 0) return `invalid label key "${key}": the name must not be empty`;
  if (name.length > 63) return `invalid label key "${key}": the name must be at most 63 characters`;
  if (!NAME_PART.test(name))
    return `invalid label key "${key}": the name must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."`;
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is (the empty value is valid). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > 63) return `invalid label value "${value}": must be at most 63 characters`;
  if (!NAME_PART.test(value))
    return `invalid label value "${value}": must start and end with a letter or digit and contain only letters, digits, "-", "_" and "."`;
  return undefined;
}
