/** Generated cases: derived from the policies in force, tagged by feature (pure: no I/O, no client). */

// The cases, before and after the model says what to expect.
export { generateCases, caseKey } from './generate-cases.js';
export type { GeneratedCase, GenerateOptions, PortChoice } from './generated-case.js';
export { caseAssertion } from './case-assertion.js';
export type { CaseSettings } from './case-assertion.js';

// Feature tags, cyclonus-style.
export { FEATURE_TAGS, orderedTags } from './tags.js';
export type { FeatureTag } from './tags.js';

// Narrowing an endpoint that stands for pods the policies treat differently.
export { fitEndpoint, narrowEndpoint } from './narrow-endpoint.js';
export { ClusterView } from './cluster-view.js';

// Selectors that just miss, for negative cases.
export { complement, nearMisses } from './invert-selector.js';

// What each case expects, from the model in the plan it will run in: cases whose pairs
// disagree narrowed around one pair (or left out), and cases merged into suites.
export { generateAssertions, GENERATED_FILE, settleGenerated } from './settle-generated.js';
export type {
  GenerateAssertionsOptions,
  LiveGeneration,
  OutsideHost,
  SettledSuites,
} from './settle-generated.js';
export { mergeGenerated } from './merge-generated.js';
export type { Contradiction, MergedSuites, MergeOptions } from './merge-generated.js';
export { narrowAssertion } from './narrow-assertion.js';

// A suite file a user can commit.
export { formatGeneratedSuite } from './format-suite.js';
export type { GeneratedSuiteOptions } from './format-suite.js';
