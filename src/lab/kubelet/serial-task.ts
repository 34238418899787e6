/**
 * Run a task one at a time, coalescing requests: a request made while a run is under way
 * is served by one more run after it (however many requests came), and its promise
 * settles when a run that started after the request has finished.
 */
export type SerialTask = () => Promise<void>;

export function serialTask(task: () => Promise<void>): SerialTask {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const run = task().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  return () => {
    if (queued !== undefined) return queued;
    if (running === undefined) return start();
    const next = running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    queued = next;
    return next;
  };
}
