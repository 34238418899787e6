/** lossy-link, built on first use from lossy-link.c (src/lab/host's C build, cached by the source's hash). */
import { fileURLToPath } from 'node:url';
import { cProgramBinary, defaultCacheDir } from '../host/index.js';

/**
 * Beside this module in the sources and in dist/src/lab/link-faults/; in the command-line
 * bundle, whose chunks sit in one folder, in link-faults/ beside them (src/cli-bundle).
 */
const LOSSY_LINK = {
  name: 'lossy-link',
  sources: ['./lossy-link.c', './link-faults/lossy-link.c'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  ),
};

export function lossyLinkBinary(cacheDir: string = defaultCacheDir()): Promise<string> {
  return cProgramBinary(LOSSY_LINK, cacheDir);
}
