/**
 * Gathers the helpers' per-attempt lines into one response per request, handing each out
 * as soon as its last attempt (of every part) is known.
 */
import { combineCapturedAttempt } from './combine-attempts.js';
import type { HelperWord } from './helper-lines.js';
import type { HelperTask } from './helper-lines.js';
import { isCapturePart, requestOfPart } from './plan-helper-jobs.js';
import type { PlannedRequest } from './plan-helper-jobs.js';
import { assertNever } from './never.js';
import {
  AGENT_PROTOCOL_VERSION,
  CAPTURE_OBSERVATIONS,
  PROBE_OBSERVATIONS,
  summaryObservation,
} from './protocol.js';
import type {
  AgentRequest,
  AgentResponse,
  AttemptResult,
  CaptureObservation,
  ProbeObservation,
} from './protocol.js';

interface RequestState {
  readonly planned: PlannedRequest;
  readonly probe?: (AttemptResult<ProbeObservation> | undefined)[];
  readonly capture?: (AttemptResult<CaptureObservation> | undefined)[];
  done: boolean;
}

const CAPTURE_WORDS: readonly HelperWord[] = CAPTURE_OBSERVATIONS;
const PROBE_WORDS: readonly HelperWord[] = PROBE_OBSERVATIONS;

export class ResultCollector {
  private readonly states = new Map<number, RequestState>();

  /** `elapsedMs()` is the request's wall time so far (from the batch's start). */
  constructor(
    planned: ReadonlyMap<number, PlannedRequest>,
    private readonly elapsedMs: () => number,
  ) {
    for (const [index, plan] of planned) {
      const attempts = plan.request.attempts;
      this.states.set(index, {
        planned: plan,
        ...(plan.shape === 'capture' ? {} : { probe: new Array(attempts).fill(undefined) }),
        ...(plan.shape === 'probe' ? {} : { capture: new Array(attempts).fill(undefined) }),
        done: false,
      });
    }
  }

  /** One attempt of one part; the request's response once that completes it. */
  record(part: number, attempt: number, result: AttemptResult<HelperWord>): AgentResponse | undefined {
    const state = this.states.get(requestOfPart(part));
    if (state === undefined || state.done) return undefined;
    if (isCapturePart(part)) {
      if (!CAPTURE_WORDS.includes(result.observation)) return undefined;
      setAttempt(state.capture, attempt, result as AttemptResult<CaptureObservation>);
    } else {
      if (!PROBE_WORDS.includes(result.observation)) return undefined;
      setAttempt(state.probe, attempt, result as AttemptResult<ProbeObservation>);
    }
    return this.completed(state);
  }

  /** A helper died: its parts' missing attempts become errors. Returns the responses that completes. */
  failTasks(tasks: readonly HelperTask[], reason: string): AgentResponse[] {
    const responses: AgentResponse[] = [];
    for (const task of tasks) {
      const state = this.states.get(requestOfPart(task.index));
      if (state === undefined || state.done) continue;
      const attempts = isCapturePart(task.index) ? state.capture : state.probe;
      attempts?.forEach((attempt, index) => {
        if (attempt === undefined) attempts[index] = { observation: 'error', elapsedMs: 0, detail: reason };
      });
      const response = this.completed(state, reason);
      if (response !== undefined) responses.push(response);
    }
    return responses;
  }

  /** Requests still waiting (there should be none once every helper has ended). */
  pending(): AgentRequest[] {
    return [...this.states.values()].filter((state) => !state.done).map((state) => state.planned.request);
  }

  private completed(state: RequestState, reason?: string): AgentResponse | undefined {
    const probe = complete(state.probe);
    const capture = complete(state.capture);
    if (
      (state.probe !== undefined && probe === undefined) ||
      (state.capture !== undefined && capture === undefined)
    ) {
      return undefined;
    }
    state.done = true;
    const base = {
      version: AGENT_PROTOCOL_VERSION,
      id: state.planned.request.id,
      elapsedMs: this.elapsedMs(),
      netns: state.planned.netns,
      ...(reason === undefined ? {} : { reason }),
    };
    switch (state.planned.shape) {
      case 'probe':
        return {
          ...base,
          kind: 'probe',
          observation: summaryObservation(probe ?? []),
          attempts: probe ?? [],
        };
      case 'capture':
        return {
          ...base,
          kind: 'capture',
          observation: summaryObservation(capture ?? []),
          attempts: capture ?? [],
        };
      case 'probe-with-capture': {
        const attempts = (probe ?? []).map((sent, index) =>
          combineCapturedAttempt(sent, capture?.[index] ?? { observation: 'error', elapsedMs: 0 }),
        );
        return { ...base, kind: 'probe', observation: summaryObservation(attempts), attempts };
      }
      default:
        return assertNever(state.planned.shape);
    }
  }
}

function setAttempt<T>(attempts: (T | undefined)[] | undefined, index: number, value: T): void {
  if (attempts !== undefined && index >= 0 && index < attempts.length && attempts[index] === undefined) {
    attempts[index] = value;
  }
}

function complete<T>(attempts: readonly (T | undefined)[] | undefined): T[] | undefined {
  if (attempts === undefined || attempts.some((attempt) => attempt === undefined)) return undefined;
  return attempts as T[];
}

/** The response of a request that never reached a helper. */
export function notCarriedOut(request: AgentRequest, reason: string): AgentResponse {
  const base = { version: AGENT_PROTOCOL_VERSION, id: request.id, elapsedMs: 0, reason };
  switch (request.kind) {
    case 'probe':
      return { ...base, kind: 'probe', observation: 'error', attempts: [] };
    case 'capture':
      return { ...base, kind: 'capture', observation: 'error', attempts: [] };
    default:
      return assertNever(request);
  }
}
