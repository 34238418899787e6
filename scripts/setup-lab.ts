/**
 * `npm run setup:lab [--k8s-base-url URL]`: installs what the lab and the tests need (as
 * root). The base URL of the Kubernetes download is the flag, else
 * `$NETPOL_ASSERT_K8S_BASE_URL`, else https://dl.k8s.io/release.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_K8S_BASE_URL, setupLab } from '../src/lab/setup/index.js';

const USAGE = 'usage: npm run setup:lab [-- --k8s-base-url URL]';

function baseUrlFrom(argv: readonly string[]): string | { problem: string } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { 'k8s-base-url': { type: 'string' }, help: { type: 'boolean' } },
    });
    if (values.help === true) return { problem: USAGE };
    const url = values['k8s-base-url'] ?? process.env.NETPOL_ASSERT_K8S_BASE_URL ?? DEFAULT_K8S_BASE_URL;
    if (!URL.canParse(url)) return { problem: `not a URL: ${url}\n${USAGE}` };
    return url;
  } catch (error) {
    return { problem: `${error instanceof Error ? error.message : String(error)}\n${USAGE}` };
  }
}

const baseUrl = baseUrlFrom(process.argv.slice(2));
if (typeof baseUrl !== 'string') {
  process.stderr.write(`${baseUrl.problem}\n`);
  process.exitCode = baseUrl.problem === USAGE ? 0 : 2;
} else {
  process.exitCode = await setupLab({
    baseUrl,
    env: process.env,
    repositoryRoot: fileURLToPath(new URL('..', import.meta.url)),
    isRoot: process.getuid?.() === 0,
    say: (line) => process.stdout.write(`setup:lab: ${line}\n`),
  });
}
