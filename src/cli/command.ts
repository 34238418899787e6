/** What every command handler gets from main: where to write, and whether a person is watching. */
import type { CommandModule } from 'yargs';

export interface OutputStream {
  write(text: string): unknown;
}

export interface CommandContext {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly isTTY: boolean;
  readonly cwd: string;
}

/** A command module whose handler reports its exit code instead of exiting. */
export type CommandFactory<A> = (
  context: CommandContext,
  setExit: (code: number) => void,
) => CommandModule<object, A>;
