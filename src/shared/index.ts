/**
 * Facts every layer shares, each with one home: pure, no I/O, importing nothing else of
 * the project, so the model, the suites, the manifests, the planner, the reporters, the
 * CLI and the lab may all use it.
 */

// Problems with the user's input, in one shape, and the one way to print them.
export { compareInFile, excerptAt, formatProblem, problemAt, wholeFile } from './problem.js';
export type { Problem, SourceLocation } from './problem.js';

// IPv4/IPv6 addresses and CIDR blocks.
export {
  cidrContains,
  cidrWithin,
  firstHostAddress,
  formatCidr,
  formatIp,
  formatIpv4,
  ipv4InCidr,
  ipv6InCidr,
  isIpAddress,
  normalizeIp,
  parseCidr,
  parseIp,
  parseIpv4,
} from './address.js';
export type { Cidr, IpAddress, IpFamily, ParseCidrResult } from './address.js';

// "Did you mean": the nearest known name to a typo.
export { closestName } from './closest-name.js';

// The namespace-name label Kubernetes puts on every namespace.
export { NAMESPACE_NAME_LABEL } from './namespace-label.js';

// Exhaustive switches.
export { assertNever } from './never.js';

// The agent image the release publishes (also what `--help` shows, so it stays this light).
export { AGENT_IMAGE_REPOSITORY, DEFAULT_AGENT_IMAGE } from './agent-image.js';
