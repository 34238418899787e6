/**
 * An API server's refusal in words: which request (verb, kind, namespace and name) and
 * why (the reason and message of the Status the server sent back), never a bare HTTP
 * code. client-node's ApiException carries the code and the Status body as text; a
 * request that never got an answer (a closed port, a reset) keeps its own message.
 */

/** One request to the API server, as a reader names it: `create Pod shop/npa-src-1a2b-9f00aa11`. */
export interface ApiRequest {
  readonly verb: 'get' | 'list' | 'create' | 'update' | 'delete' | 'deletecollection';
  /** The object's kind, singular: `Pod`, `Namespace`, `DaemonSet`. */
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
}

/** A request the API server refused or never answered; `code` and `reason` when it answered. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';

  constructor(
    readonly request: ApiRequest,
    /** The HTTP status, as ApiException's `code`: callers that let a 404 or 409 pass read it. */
    readonly code: number | undefined,
    /** The Status reason: `AlreadyExists`, `Forbidden`, `Conflict`... */
    readonly reason: string | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Runs one request; a failure becomes an ApiRequestError that names the request. */
export async function requested<T>(request: ApiRequest, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw apiRequestError(request, error);
  }
}

export function apiRequestError(request: ApiRequest, error: unknown): ApiRequestError {
  if (error instanceof ApiRequestError) return error;
  const code = statusOf(error);
  const status = code === undefined ? undefined : statusBody(error);
  const reason = status?.reason ?? (code === undefined ? undefined : REASON_BY_CODE[code]);
  return new ApiRequestError(
    request,
    code,
    reason,
    `${requestWords(request)}: ${because(error, code, reason, status?.message)}`,
    {
      cause: error,
    },
  );
}

/** The server's message with its reason and code; the code's reason alone; or, unanswered, the client's error. */
function because(
  error: unknown,
  code: number | undefined,
  reason: string | undefined,
  message: string | undefined,
): string {
  if (code === undefined) return messageOf(error);
  if (message !== undefined) return `${message} (${reason === undefined ? '' : `${reason}, `}HTTP ${code})`;
  return reason === undefined ? `HTTP ${code}, with no reason given` : `${reason} (HTTP ${code})`;
}

/** `create Pod shop/web-1`, `delete Namespace npa-ns-1`, `list Pods in all namespaces labelled app=web`. */
export function requestWords(request: ApiRequest): string {
  const { verb, kind, name, namespace, labelSelector } = request;
  if (name !== undefined) return `${verb} ${kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`;
  const where = namespace === undefined ? '' : ` in namespace ${namespace}`;
  const labelled = labelSelector === undefined ? '' : ` labelled ${labelSelector}`;
  return `${verb} ${plural(kind)}${where}${labelled}`;
}

/** The HTTP status of a refusal: ApiException's `code`, or ours. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number'
    ? error.code
    : undefined;
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  // An exec's WebSocket fails with an ErrorEvent, not an Error: its message says why.
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string')
    return error.message;
  return String(error);
}

/** What the server sends with a 401 or a proxy's bare error page names no reason: the code's own. */
const REASON_BY_CODE: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The Status the server answered with: ApiException's body is its text (or, from older clients, the object). */
function statusBody(error: unknown): { reason?: string; message?: string } | undefined {
  const body = typeof error === 'object' && error !== null && 'body' in error ? error.body : undefined;
  const parsed = typeof body === 'string' ? parseJson(body) : body;
  if (typeof parsed === 'object' && parsed !== null) {
    const { reason, message } = parsed as { reason?: unknown; message?: unknown };
    return {
      ...(typeof reason === 'string' && reason !== '' ? { reason } : {}),
      ...(typeof message === 'string' && message !== '' ? { message } : {}),
    };
  }
  // Not a Status (a proxy's page): its first line says more than nothing.
  const text = typeof body === 'string' ? body.trim().split('\n')[0]?.slice(0, 200) : undefined;
  return text ? { message: text } : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function plural(kind: string): string {
  if (kind.endsWith('y')) return `${kind.slice(0, -1)}ies`;
  return kind.endsWith('s') ? `${kind}es` : `${kind}s`;
}
