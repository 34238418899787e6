/**
 * Stopping a live run on Ctrl-C or SIGTERM: a step checks the signal between steps, and
 * work in flight (probes waiting out their timeouts) is abandoned, not awaited, so the
 * cleanup starts at once.
 */

/** Thrown by a step when the run was interrupted; cleanup still runs. */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunInterrupted('interrupted');
}

/**
 * Ctrl-C must not wait for probes in flight (up to attempts x timeout): cleanup starts at
 * once, and the abandoned exec ends by itself when the agent's last probe times out.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  work.catch(() => undefined); // abandoned on abort: its later failure is not news
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      const interrupted = (): void => reject(new RunInterrupted('interrupted'));
      if (signal.aborted) interrupted();
      else signal.addEventListener('abort', interrupted, { once: true });
    }),
  ]);
}

/** Runs a step and logs what it did with how long it took. */
export async function timed<T>(
  log: (line: string) => void,
  step: string,
  action: () => Promise<T>,
  describe: (value: T) => string,
): Promise<T> {
  const started = Date.now();
  const value = await action();
  log(`${step}: ${describe(value)} (${Date.now() - started} ms)`);
  return value;
}
