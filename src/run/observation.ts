/**
 * What a runner hands the judge: one record per pair of the plan, made once the pair's
 * observation is final. The model runner and the agents runner make the same record, so
 * one judge builds every result.
 */
import type { ProbePair, ProbePlan } from '../plan/index.js';
import type { Observation, RunResult } from './result.js';

/** What is known of the destination port apart from the probe itself. */
export type ListenerEvidence =
  /** A listener check inside the destination's netns, or a control probe that connected. */
  | 'listening'
  | 'not-listening'
  /** No check could be made (an outside address nobody reached, an agent that failed). */
  | 'unknown';

export interface PairObservation {
  readonly pair: ProbePair;
  /** One per attempt: what the wire showed, or the model's verdict (`allowed`, `denied`). */
  readonly observations: readonly Observation[];
  /** What a listener check showed of the destination; absent when none was made (the model needs none). */
  readonly listener?: ListenerEvidence;
  /** Why the pair could not be observed: no pod to send from, an agent that gave no answer. */
  readonly problem?: string;
  /** How long observing the pair took, in milliseconds, as the runner measured it. */
  readonly durationMs: number;
  /** Seconds a `--settle` retry waited before the observation matched. */
  readonly settledAfterSeconds?: number;
}

/** Observes a plan's pairs and hands over one record per pair, each once it is final. */
export interface Runner {
  readonly mode: RunResult['mode'];
  /** The cluster or state observed, for report headers. */
  readonly target: string;
  /**
   * Whether the pairs are observed side by side (live probes: an assertion then lasts as
   * long as its slowest pair) or one after another (the model: their times add up).
   */
  readonly concurrent: boolean;
  observe(plan: ProbePlan, deliver: (record: PairObservation) => void): void | Promise<void>;
}
