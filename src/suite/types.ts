/** A suite as the user wrote it, validated and parsed; positions kept for every report line. */
import type { Protocol } from '../policy/index.js';
import type { LabelSelector } from '../policy/index.js';
import type { Problem, SourceLocation } from '../shared/index.js';

export type { SourceLocation };

export type NamespaceSpec =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'all' }
  | { readonly kind: 'selector'; readonly selector: LabelSelector };

export type PodSpec =
  { readonly kind: 'all' } | { readonly kind: 'selector'; readonly selector: LabelSelector };

export type WorkloadShortKind = 'deploy' | 'sts' | 'ds';

/** One side of an assertion (the contract's SRC / DST). */
export type EndpointSpec =
  | { readonly kind: 'pods'; readonly namespace: NamespaceSpec; readonly pods: PodSpec }
  | { readonly kind: 'pod'; readonly namespace: string; readonly name: string }
  | {
      readonly kind: 'workload';
      readonly workload: WorkloadShortKind;
      readonly namespace: string;
      readonly name: string;
    }
  | { readonly kind: 'service'; readonly namespace: string; readonly name: string }
  /** An IP or CIDR outside the pod network; `address` is normalised, `prefix` is the CIDR length. */
  | { readonly kind: 'address'; readonly address: string; readonly prefix: number }
  | { readonly kind: 'node'; readonly name: string };

/** A port by number or by container-port name; omitted means every declared port of the destination. */
export type PortSpec =
  { readonly kind: 'number'; readonly port: number } | { readonly kind: 'name'; readonly name: string };

export type Expectation = 'allow' | 'deny';

export interface Assertion {
  /** The user's name, or the one-line text itself. */
  readonly name: string;
  readonly from: EndpointSpec;
  readonly to: EndpointSpec;
  readonly port?: PortSpec;
  readonly protocol: Protocol;
  readonly expect: Expectation;
  readonly timeoutMs: number;
  readonly attempts: number;
  /** A reason to skip, or undefined to run. */
  readonly skip?: string;
  readonly location: SourceLocation;
  /** Where the assertion came from: the suite itself, a recipe, or generation. */
  readonly origin: AssertionOrigin;
}

export type AssertionOrigin =
  | { readonly kind: 'suite' }
  | { readonly kind: 'recipe'; readonly recipe: string }
  | { readonly kind: 'generated'; readonly tags: readonly string[] };

export interface SuiteDefaults {
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly protocol: Protocol;
}

export interface Suite {
  readonly file: string;
  readonly name: string;
  readonly location: SourceLocation;
  readonly defaults: SuiteDefaults;
  /** Manifest paths, resolved against the suite file's folder. */
  readonly setup: readonly string[];
  readonly recipes: readonly string[];
  readonly generate: boolean;
  readonly assertions: readonly Assertion[];
}

/** Every problem the loader can report; a closed set so tests and tools can match on it. */
export type SuiteErrorCode =
  | 'YAML_SYNTAX'
  | 'SCHEMA'
  | 'UNKNOWN_KEY'
  | 'MISSING_KEY'
  | 'BAD_TYPE'
  | 'BAD_GRAMMAR'
  | 'BAD_SELECTOR'
  | 'BAD_ENDPOINT'
  | 'BAD_PORT'
  | 'BAD_PROTOCOL'
  | 'BAD_DURATION'
  | 'BAD_ADDRESS'
  | 'BAD_VALUE'
  | 'FILE_NOT_FOUND';

/** A problem in a suite file, printed by src/shared's `formatProblem`. */
export type SuiteError = Problem<SuiteErrorCode>;
