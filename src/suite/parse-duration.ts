/** Timeouts as Go-style durations: `500ms`, `2s`, `1.5s`, `1m`, `1m30s`. */
import { failed, parsed, problem, type Parsed } from './text-problem.js';

const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m))+$/;
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m)/g;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

export const DURATION_EXAMPLES = '"500ms", "2s", "1.5s" or "1m"';

/** Milliseconds, rounded to whole ones; zero is refused, as no probe can answer in no time. */
export function parseDuration(text: string): Parsed<number> {
  if (/^[0-9]+(\.[0-9]+)?$/.test(text))
    return failed(
      problem('BAD_DURATION', `duration ${text} has no unit; expected e.g. ${DURATION_EXAMPLES}`, 0),
    );
  if (!DURATION.test(text))
    return failed(
      problem('BAD_DURATION', `"${text}" is not a duration; expected e.g. ${DURATION_EXAMPLES}`, 0),
    );
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  const ms = Math.round(total);
  if (ms <= 0) return failed(problem('BAD_DURATION', `duration "${text}" must be at least 1ms`, 0));
  return parsed(ms);
}
