/** Suites: loading, validating and parsing the YAML users write (docs/contract.md §1). */

// The suite model.
export type {
  Assertion,
  AssertionOrigin,
  EndpointSpec,
  Expectation,
  NamespaceSpec,
  PodSpec,
  PortSpec,
  SourceLocation,
  Suite,
  SuiteDefaults,
  SuiteError,
  SuiteErrorCode,
  WorkloadShortKind,
} from './types.js';

// Loading: folders and files from disk, or one file's text without I/O.
export { loadSuiteFiles, type LoadOptions } from './load-suite-files.js';
export { parseSuiteText, type SuiteParse } from './parse-suite-text.js';
export { BUILT_IN_DEFAULTS } from './resolve-suite.js';
export { suiteOf } from './suite-of.js';
export { SKIPPED_WITHOUT_REASON } from './resolve-assertion.js';

// Errors are src/shared's Problem (SuiteError above), printed by its formatProblem.

// The one-line grammar and its parts, for `explain "from A to B:80"` and friends.
export { ASSERTION_GRAMMAR, parseAssertionLine, type AssertionLine } from './parse-assertion.js';
export { parseEndpoint, type EndpointRole, type ParsedEndpoint } from './parse-endpoint.js';
export { parseDuration } from './parse-duration.js';
export type { Parsed, TextProblem } from './text-problem.js';
// Kubernetes object names as the API server validates them (the manifest reader checks them too).
export { namespaceNameProblem, objectNameProblem, serviceNameProblem } from './names.js';
// YAML syntax errors worded and placed for a person (an unclosed bracket at its opener): manifests too.
export { explainYamlError } from './explain-yaml-error.js';

// Endpoints back as text, for report lines.
export {
  formatDestination,
  formatEndpoint,
  formatNamespace,
  formatPods,
  formatPort,
} from './format-endpoint.js';
