/**
 * Transient API failures sent again with backoff, request by request: an API server that
 * restarts, a proxy that drops a connection, or a server that sheds load must not end a
 * run that would finish seconds later. Bounded: once `retryForMs` has passed since a
 * request first failed, its failure stands and the run stops as before (exit 3).
 *
 * What is sent again depends on whether the first try can have taken effect. A request
 * never delivered (connection refused) or turned away before it was handled (429, 503)
 * is sent again whatever its verb; one whose fate is unknown (a connection reset, 500,
 * 502, 504) only when it reads, so a create is never made twice.
 */
import {
  createConfiguration,
  IsomorphicFetchHttpLibrary,
  ServerConfiguration,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import type { Configuration, KubeConfig, RequestContext, ResponseContext } from '@kubernetes/client-node';

/** An API server restarting is back within this, as a rule; a longer outage ends the run (exit 3). */
export const API_RETRY_MS = 30_000;

export interface RetryOptions {
  /** How long a request may keep failing before its failure stands; 0 sends each once. */
  readonly retryForMs: number;
  /** Which answers are worth waiting out: every transient one, or only those of the connection. */
  readonly statuses: 'transient' | 'connection-only';
  /** Told before each wait, to say why the run is slow. */
  readonly onRetry?: (retry: Retry) => void;
}

export interface Retry {
  readonly method: string;
  readonly url: string;
  /** What failed, e.g. `connect ECONNREFUSED 127.0.0.1:6443` or `HTTP 503`. */
  readonly reason: string;
  readonly attempt: number;
  readonly delayMs: number;
}

/** What a request's try came to, as far as retrying cares. */
export type TryFailure =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'network'; readonly code: string | undefined };

/** Errors of a connection that never reached the server: the request cannot have taken effect. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Errors of a connection that broke while the request may have been handled. */
const CUT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET']);
/** Statuses the API server (or a proxy before it) sends before handling the request. */
const TURNED_AWAY = new Set([429, 503]);
/** Statuses that leave it unknown whether the request was handled. */
const UNKNOWN_FATE = new Set([500, 502, 504]);
const READS = new Set(['GET', 'HEAD']);

const FIRST_DELAY_MS = 250;
const LONGEST_DELAY_MS = 4_000;

/** Whether a failed try of `method` may be sent again under `statuses`. */
export function isTransient(
  failure: TryFailure,
  method: string,
  statuses: RetryOptions['statuses'],
): boolean {
  const reads = READS.has(method.toUpperCase());
  if (failure.kind === 'network') {
    const code = failure.code ?? '';
    return NOT_DELIVERED.has(code) || (reads && CUT.has(code));
  }
  if (statuses === 'connection-only') return false;
  return TURNED_AWAY.has(failure.status) || (reads && UNKNOWN_FATE.has(failure.status));
}

/** Exponential backoff from 250 ms, at most 4 s a wait; a server's Retry-After within that is honoured. */
export function retryDelayMs(attempt: number, retryAfterSeconds?: number): number {
  const backoff = Math.min(FIRST_DELAY_MS * 2 ** (attempt - 1), LONGEST_DELAY_MS);
  const asked = retryAfterSeconds === undefined ? 0 : Math.min(retryAfterSeconds * 1000, LONGEST_DELAY_MS);
  return Math.max(backoff, asked);
}

/** `kubeConfig.makeApiClient(api)`, with requests that fail transiently sent again as `options` say. */
export function apiClientWithRetry<T>(
  kubeConfig: KubeConfig,
  api: new (configuration: Configuration) => T,
  options: RetryOptions,
): T {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  const once = new IsomorphicFetchHttpLibrary();
  const httpApi = wrapHttpLibrary({
    send: (request) => sendWithRetry(request, (r) => once.send(r).toPromise(), options),
  });
  return new api(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      httpApi,
    }),
  );
}

export async function sendWithRetry(
  request: RequestContext,
  send: (request: RequestContext) => Promise<ResponseContext>,
  options: RetryOptions,
): Promise<ResponseContext> {
  const method = request.getHttpMethod().toString();
  const firstFailed = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await send(request).then(
      (response) => ({ response }),
      (error: unknown) => ({ error }),
    );
    const failure = 'response' in outcome ? statusFailure(outcome.response) : networkFailure(outcome.error);
    if (failure === undefined || !isTransient(failure, method, options.statuses)) return settle(outcome);
    const delayMs = retryDelayMs(attempt, 'response' in outcome ? retryAfter(outcome.response) : undefined);
    if (Date.now() - firstFailed + delayMs > options.retryForMs) return settle(outcome);
    // The answer's body is not read: drop it so that its connection is let go.
    if ('response' in outcome) await outcome.response.body.text().catch(() => undefined);
    const reason = failure.kind === 'status' ? `HTTP ${failure.status}` : messageOf(outcome);
    options.onRetry?.({ method, url: request.getUrl(), reason, attempt, delayMs });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

/**
 * Runs `open` (a connection that carries a request, an exec's WebSocket say) again while
 * it fails before anything was sent: refused, or the server unreachable. Once a
 * connection is open, what happens to it is the caller's.
 */
export async function retryUndelivered<T>(
  open: () => Promise<T>,
  what: { readonly method: string; readonly url: string },
  options: Pick<RetryOptions, 'retryForMs' | 'onRetry'>,
): Promise<T> {
  const firstFailed = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await open();
    } catch (error) {
      const code = networkFailure(error).code ?? '';
      const delayMs = retryDelayMs(attempt);
      if (!NOT_DELIVERED.has(code) || Date.now() - firstFailed + delayMs > options.retryForMs) throw error;
      options.onRetry?.({ ...what, reason: messageOf({ error }), attempt, delayMs });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function settle(outcome: { response: ResponseContext } | { error: unknown }): ResponseContext {
  if ('response' in outcome) return outcome.response;
  throw outcome.error;
}

function statusFailure(response: ResponseContext): TryFailure | undefined {
  return response.httpStatusCode >= 400 ? { kind: 'status', status: response.httpStatusCode } : undefined;
}

/** node-fetch's FetchError carries the system error's code; undici's its cause's; a WebSocket's ErrorEvent its error's. */
function networkFailure(error: unknown): Extract<TryFailure, { kind: 'network' }> {
  return { kind: 'network', code: codeOf(error) ?? codeOf(causeOf(error)) ?? codeOf(eventError(error)) };
}

function eventError(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'error' in error ? error.error : undefined;
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

function retryAfter(response: ResponseContext): number | undefined {
  const seconds = Number(response.headers['retry-after']);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function messageOf(outcome: { error: unknown } | { response: ResponseContext }): string {
  if (!('error' in outcome)) return `HTTP ${outcome.response.httpStatusCode}`;
  return outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
}
