/**
 * A log file opened for appending, to hand to a child as its stdout and stderr: the
 * child writes to the file itself, so its output neither passes through this process nor
 * breaks (SIGPIPE) when this process dies, which a detached or orphaned child must survive.
 */
import { closeSync, openSync } from 'node:fs';

/** execa hands any descriptor to spawn() as it is; its types only spell out 3-9. */
type ChildDescriptor = 3;

export interface LogFile {
  readonly fd: ChildDescriptor;
  /** Close this process's copy once the child has its own. */
  close(): void;
}

export function openLogFile(path: string): LogFile {
  const fd = openSync(path, 'a', 0o600);
  return { fd: fd as ChildDescriptor, close: () => closeSync(fd) };
}
