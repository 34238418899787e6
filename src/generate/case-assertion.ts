/** A generated case as a suite assertion, once the model has said what to expect. */
import type { Assertion, Expectation, SourceLocation } from '../suite/index.js';
import type { GeneratedCase } from './generated-case.js';

/** What the assertion takes from where it lands: the suite's defaults and a location for reports. */
export interface CaseSettings {
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly location: SourceLocation;
}

export function caseAssertion(c: GeneratedCase, expect: Expectation, settings: CaseSettings): Assertion {
  return {
    name: c.name,
    from: c.from,
    to: c.to,
    ...(c.port !== undefined ? { port: c.port } : {}),
    protocol: c.protocol,
    expect,
    timeoutMs: settings.timeoutMs,
    attempts: settings.attempts,
    location: settings.location,
    origin: { kind: 'generated', tags: c.tags },
  };
}
