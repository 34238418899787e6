/**
 * Why an assertion, or part of it, cannot be probed in a cluster: it is inconclusive
 * then. Each problem stands at its assertion's place, in the one shape of src/shared.
 */
import { problemAt } from '../shared/index.js';
import type { Problem, SourceLocation } from '../shared/index.js';

export type PlanProblemCode =
  /** `pod:NS/NAME` names no pod. */
  | 'POD_NOT_FOUND'
  /** `deploy:`/`sts:`/`ds:NS/NAME` has no pods. */
  | 'NO_PODS'
  /** `svc:NS/NAME` names no Service. */
  | 'SERVICE_NOT_FOUND'
  /** The Service selects no pod. */
  | 'NO_ENDPOINTS'
  /** `node:NAME` names no node, or one without an address. */
  | 'NODE_NOT_FOUND'
  /** No labels satisfy the selector, so no probe pod or namespace can stand for it. */
  | 'UNSATISFIABLE_SELECTOR'
  /** The selector names an existing namespace whose labels it does not match. */
  | 'NAMESPACE_MISMATCH'
  /** A destination with no matching pod, and no port number for a responder to listen on. */
  | 'NEEDS_PORT_NUMBER'
  /** A named port (or a Service's named targetPort) the destination pod does not declare. */
  | 'NO_SUCH_PORT'
  /** No port given, and the destination declares none. */
  | 'NO_PORTS'
  /** Nothing to probe: e.g. the source and destination are the same one pod. */
  | 'NO_PAIRS';

export type PlanProblem = Problem<PlanProblemCode>;

/** The problems of one assertion, each placed at the assertion. */
export class AssertionProblems {
  readonly list: PlanProblem[] = [];

  constructor(private readonly location: SourceLocation) {}

  add(code: PlanProblemCode, message: string): void {
    this.list.push(problemAt(code, message, this.location));
  }

  get length(): number {
    return this.list.length;
  }
}
