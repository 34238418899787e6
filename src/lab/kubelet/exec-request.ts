/**
 * What kube-apiserver asks of a kubelet when it proxies `pods/exec`:
 * `/exec/{namespace}/{pod}/{container}?command=a&command=b&input=1&output=1&error=1&tty=1`
 * (one `command` parameter per argument; `input`, `output`, `error` are the kubelet-side
 * names of the API's stdin, stdout and stderr, which are accepted too).
 */
export interface ExecRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

export type ParsedExecRequest =
  | { readonly kind: 'exec'; readonly request: ExecRequest }
  | { readonly kind: 'invalid'; readonly message: string };

export function parseExecRequest(url: URL): ParsedExecRequest {
  const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
  const [verb, namespace, pod, container] = parts;
  if (verb !== 'exec' || parts.length !== 4 || !namespace || !pod || !container)
    return { kind: 'invalid', message: `expected /exec/{namespace}/{pod}/{container}, got ${url.pathname}` };
  const command = url.searchParams.getAll('command');
  if (command.length === 0) return { kind: 'invalid', message: 'no command given' };
  const flag = (...names: string[]): boolean =>
    names.some((name) => ['1', 'true'].includes(url.searchParams.get(name) ?? ''));
  const request = {
    namespace,
    pod,
    container,
    command,
    stdin: flag('input', 'stdin'),
    stdout: flag('output', 'stdout'),
    stderr: flag('error', 'stderr'),
    tty: flag('tty'),
  };
  if (!request.stdin && !request.stdout && !request.stderr)
    return { kind: 'invalid', message: 'you must specify at least one of stdin, stdout, stderr' };
  return { kind: 'exec', request };
}
