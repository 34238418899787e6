/**
 * Poll a health endpoint (etcd's /health, kube-apiserver's /readyz) until it answers 200,
 * the process behind it exits, or the deadline passes: readiness is bounded, never hoped for.
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CertificateFiles } from './pki.js';
import { describeExit } from './component-process.js';
import type { RunningComponent } from './component-process.js';

export interface ReadinessProbe {
  readonly url: string;
  /** For HTTPS: the CA to trust and the client certificate to present. */
  readonly tls?: { readonly caCert: string; readonly client: CertificateFiles };
  readonly timeoutMs: number;
}

const POLL_INTERVAL_MS = 250;

export async function waitUntilReady(component: RunningComponent, probe: ReadinessProbe): Promise<void> {
  const tls = probe.tls === undefined ? undefined : await loadTls(probe.tls);
  const deadline = Date.now() + probe.timeoutMs;
  let exit: string | undefined;
  void component.exited.then((result) => (exit = describeExit(result)));
  let lastAnswer = 'no answer';
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`${exit} before it was ready; see ${component.logFile}`);
    const answer = await getStatus(probe.url, tls);
    if (answer === 200) return;
    lastAnswer = typeof answer === 'number' ? `HTTP ${answer}` : answer;
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(
    `${component.name} was not ready within ${probe.timeoutMs / 1000}s (${probe.url}: ${lastAnswer}); see ${component.logFile}`,
  );
}

interface LoadedTls {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

async function loadTls(tls: NonNullable<ReadinessProbe['tls']>): Promise<LoadedTls> {
  const [ca, cert, key] = await Promise.all([
    readFile(tls.caCert),
    readFile(tls.client.cert),
    readFile(tls.client.key),
  ]);
  return { ca, cert, key };
}

/** The HTTP status, or what went wrong before one came back. */
function getStatus(url: string, tls: LoadedTls | undefined): Promise<number | string> {
  return new Promise((resolve) => {
    const options = { timeout: 2_000, ...(tls ?? {}) };
    const request = (tls === undefined ? httpRequest : httpsRequest)(url, options, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => resolve(error.message));
    request.end();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
