/** Whether a file exists and this process may run it. */
import { access, constants } from 'node:fs/promises';

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
