/**
 * A small Kubernetes API server on 127.0.0.1 for KubeCluster's tests: objects kept in
 * memory by resource, answering the calls KubeCluster makes (list with a label selector,
 * get, create, update (PUT, refused with 409 Conflict when the body's resourceVersion is
 * not the stored one), delete (likewise for a resourceVersion precondition),
 * delete-collection, and exec upgraded to a WebSocket with the
 * v5.channel.k8s.io framing), and recording every request it saw. A test can answer a
 * request itself first (`intercept`), to fail it or to change the store between polls.
 * Discovery (`/apis`, `/apis/GROUP/VERSION`) names the built-in groups KubeCluster lists,
 * and the custom resources a test says are served (`serveResource`), as CRDs would.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

export type ApiObject = {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
};

export interface RecordedRequest {
  readonly method: string;
  /** The path without the query, e.g. `/api/v1/namespaces/default/pods`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly authorization: string | undefined;
}

export interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

/** What an exec into a pod answers, from its path, query and everything written to stdin. */
export type ExecAnswer = (exec: {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly stdin: string;
}) => { stdout?: readonly (string | Buffer)[]; stderr?: string; exitCode: number } | 'hang';

/** Where a resource's objects live: `/api/v1` or `/apis/GROUP/VERSION`, and the plural. */
interface Route {
  readonly prefix: string;
  readonly namespace?: string;
  readonly resource: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** A resource discovery names, as a CustomResourceDefinition's version would make it served. */
export interface ServedResource {
  readonly group: string;
  readonly version: string;
  /** The plural, e.g. `adminnetworkpolicies`. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** Served by every API server KubeCluster reads; never asked for its resources. */
const BUILT_IN_GROUPS = ['apps', 'networking.k8s.io'];

export const TOKEN = 'fake-token';

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** Asked first for every request but exec: an answer here is sent instead of the store's. */
  intercept: (request: RecordedRequest) => Answer | undefined = () => undefined;
  exec: ExecAnswer = () => ({ exitCode: 0 });
  private readonly store = new Map<string, ApiObject[]>();
  private readonly served: ServedResource[] = [];
  private readonly sockets = new Set<WebSocket>();
  private uids = 0;
  private versions = 0;

  private constructor(
    private readonly server: Server,
    private readonly folder: string,
    /** A kubeconfig whose current context `fake` points at this server. */
    readonly kubeconfig: string,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeApiServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const folder = await mkdtemp(join(tmpdir(), 'netpol-assert-fake-api-'));
    const kubeconfig = join(folder, 'kubeconfig');
    await writeFile(kubeconfig, kubeconfigFor(url));
    const fake = new FakeApiServer(server, folder, kubeconfig, url);
    server.on('request', (request, response) => void fake.serve(request, response));
    const upgrades = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false),
    });
    server.on('upgrade', (request: IncomingMessage, socket, head) =>
      upgrades.handleUpgrade(request, socket, head, (ws) => fake.serveExec(request, ws)),
    );
    return fake;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
    await rm(this.folder, { recursive: true, force: true });
  }

  /** Puts objects in the store, as if they had been created: `collection` is e.g. `/api/v1/pods`. */
  seed(collection: string, ...objects: ApiObject[]): void {
    const list = this.collection(collection);
    for (const object of objects) list.push(this.stamped(object));
  }

  /**
   * Makes discovery name these resources, in their group's versions in the order given
   * (the first is the group's preferred version); their objects are `seed`ed as any others.
   */
  serveResource(...resources: ServedResource[]): void {
    this.served.push(...resources);
  }

  /** The stored objects of a collection (`/api/v1/namespaces`, `/apis/apps/v1/daemonsets`). */
  objects(collection: string): ApiObject[] {
    return this.collection(collection);
  }

  /** Requests other than the given methods' filtered out, as `METHOD path?query`. */
  calls(...methods: string[]): string[] {
    return this.requests
      .filter((r) => methods.length === 0 || methods.includes(r.method))
      .map((r) => `${r.method} ${r.path}${r.query.size > 0 ? `?${r.query.toString()}` : ''}`);
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const text = await readBody(request);
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      authorization: request.headers.authorization,
    };
    this.requests.push(recorded);
    const answer = this.intercept(recorded) ?? this.answer(recorded);
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body ?? {}));
  }

  private answer(request: RecordedRequest): Answer {
    const discovered = request.method === 'GET' ? this.discovery(request.path) : undefined;
    if (discovered !== undefined) return discovered;
    const route = routeOf(request.path);
    if (route === undefined) return failure(404, 'NotFound', `no route for ${request.path}`);
    const list = this.collection(`${route.prefix}/${route.resource}`);
    const inScope = (o: ApiObject): boolean =>
      route.namespace === undefined || o.metadata.namespace === route.namespace;
    const selected = list.filter(
      (o) => inScope(o) && matchesSelector(o.metadata.labels ?? {}, request.query.get('labelSelector')),
    );
    if (route.name === undefined) {
      switch (request.method) {
        case 'GET':
          return { status: 200, body: { kind: 'List', apiVersion: 'v1', metadata: {}, items: selected } };
        case 'POST':
          return this.create(list, route, request.body as ApiObject);
        case 'DELETE':
          for (const object of selected) list.splice(list.indexOf(object), 1);
          return { status: 200, body: { kind: 'List', apiVersion: 'v1', metadata: {}, items: selected } };
      }
    }
    const found = list.find((o) => inScope(o) && o.metadata.name === route.name);
    if (found === undefined) return failure(404, 'NotFound', `${route.resource} "${route.name}" not found`);
    if (request.method === 'PUT') return this.replace(list, found, route, request.body as ApiObject);
    if (request.method !== 'DELETE') return { status: 200, body: found };
    const precondition = (request.body as { preconditions?: { resourceVersion?: string } } | undefined)
      ?.preconditions?.resourceVersion;
    if (precondition !== undefined && precondition !== found.metadata.resourceVersion)
      return stale(route, found);
    list.splice(list.indexOf(found), 1);
    return success();
  }

  /** `/apis`: every group; `/apis/GROUP/VERSION`: its resources, when served. */
  private discovery(path: string): Answer | undefined {
    if (path === '/apis') {
      const versions = new Map<string, string[]>(BUILT_IN_GROUPS.map((group) => [group, ['v1']]));
      for (const { group, version } of this.served) {
        const known = versions.get(group) ?? [];
        if (!known.includes(version)) known.push(version);
        versions.set(group, known);
      }
      const groups = [...versions].map(([name, list]) => {
        const entries = list.map((version) => ({ groupVersion: `${name}/${version}`, version }));
        return { name, versions: entries, preferredVersion: entries[0] };
      });
      return { status: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups } };
    }
    const match = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (match === null) return undefined;
    const [, group, version] = match;
    const resources = this.served.filter((r) => r.group === group && r.version === version);
    if (resources.length === 0) return failure(404, 'NotFound', `the server could not find ${path}`);
    return {
      status: 200,
      body: {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${group}/${version}`,
        resources: resources.flatMap((r) => [
          {
            name: r.plural,
            singularName: r.kind.toLowerCase(),
            namespaced: r.namespaced,
            kind: r.kind,
            verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
          },
          // As a CRD with a status subresource lists it: never a collection to read.
          {
            name: `${r.plural}/status`,
            singularName: '',
            namespaced: r.namespaced,
            kind: r.kind,
            verbs: ['get'],
          },
        ]),
      },
    };
  }

  private create(list: ApiObject[], route: Route, object: ApiObject): Answer {
    const namespace = route.namespace ?? object.metadata.namespace;
    const exists = list.some(
      (o) => o.metadata.name === object.metadata.name && o.metadata.namespace === namespace,
    );
    if (exists)
      return failure(409, 'AlreadyExists', `${route.resource} "${object.metadata.name}" already exists`);
    const stored = this.stamped({
      ...object,
      metadata: { ...object.metadata, ...(namespace === undefined ? {} : { namespace }) },
    });
    list.push(stored);
    return { status: 201, body: stored };
  }

  /** An update: refused when the body's resourceVersion is not the stored one (another writer came first). */
  private replace(list: ApiObject[], found: ApiObject, route: Route, object: ApiObject): Answer {
    const given = object.metadata.resourceVersion;
    if (given !== undefined && given !== found.metadata.resourceVersion) return stale(route, found);
    const stored = {
      ...object,
      metadata: { ...object.metadata, uid: found.metadata.uid, resourceVersion: String(++this.versions) },
    };
    list[list.indexOf(found)] = stored;
    return { status: 200, body: stored };
  }

  private serveExec(request: IncomingMessage, ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    const url = new URL(request.url ?? '/', this.url);
    this.requests.push({
      method: 'EXEC',
      path: url.pathname,
      query: url.searchParams,
      body: undefined,
      authorization: request.headers.authorization,
    });
    const stdin: Buffer[] = [];
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0) stdin.push(data.subarray(1));
      // v5.channel.k8s.io: [255, 0] closes stdin; the command has its whole input.
      if (data[0] === 255 && data[1] === 0) this.finishExec(ws, url, Buffer.concat(stdin).toString('utf8'));
    });
  }

  private finishExec(ws: WebSocket, url: URL, stdin: string): void {
    const answer = this.exec({ path: url.pathname, query: url.searchParams, stdin });
    if (answer === 'hang') return;
    for (const chunk of answer.stdout ?? [])
      ws.send(framed(1, typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    if (answer.stderr !== undefined) ws.send(framed(2, Buffer.from(answer.stderr)));
    const status =
      answer.exitCode === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: ${answer.exitCode}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(answer.exitCode) }] },
          };
    ws.send(framed(3, Buffer.from(JSON.stringify(status))));
    ws.close();
  }

  private collection(path: string): ApiObject[] {
    const key = path.replace(/\/namespaces\/[^/]+(?=\/[^/]+$)/, '');
    let list = this.store.get(key);
    if (list === undefined) this.store.set(key, (list = []));
    return list;
  }

  private stamped(object: ApiObject): ApiObject {
    const uid = `uid-${++this.uids}`;
    const resourceVersion = String(++this.versions);
    return {
      ...object,
      metadata: { uid, resourceVersion, creationTimestamp: '2024-01-01T00:00:00Z', ...object.metadata },
    };
  }
}

/** A port on 127.0.0.1 nothing listens on (it did a moment ago): a kubeconfig pointing there is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** The API server's error body, as client-node turns it into an ApiException with `code`. */
export function failure(code: number, reason: string, message: string): Answer {
  return {
    status: code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code },
  };
}

/** 409 Conflict, as the API server answers a write based on an object that has changed since. */
function stale(route: Route, found: ApiObject): Answer {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${route.resource} "${found.metadata.name}": ` +
      'the object has been modified; please apply your changes to the latest version and try again',
  );
}

function success(): Answer {
  return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' } };
}

/** `/api/v1/...` or `/apis/G/V/...`, then `[namespaces/NS/]RESOURCE[/NAME[/SUB]]`. */
function routeOf(path: string): Route | undefined {
  const match = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/(.+)$/.exec(path);
  if (match === null) return undefined;
  const [, prefix = '', rest = ''] = match;
  const parts = rest.split('/');
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    const [, namespace, resource = '', name, subresource] = parts;
    return {
      prefix,
      resource,
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      ...(subresource ? { subresource } : {}),
    };
  }
  const [resource = '', name] = parts;
  return { prefix, resource, ...(name ? { name } : {}) };
}

/** The selectors KubeCluster sends: `key` and `key=value`, joined by commas. */
function matchesSelector(labels: Record<string, string>, selector: string | null): boolean {
  if (selector === null || selector === '') return true;
  return selector.split(',').every((term) => {
    const [key = '', value] = term.split('=');
    return value === undefined ? key in labels : labels[key] === value;
  });
}

function framed(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function kubeconfigFor(server: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'fake',
    // client-node sends a token over plain HTTP only to a cluster marked insecure.
    clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake', user: { token: TOKEN } }],
    contexts: [
      { name: 'fake', context: { cluster: 'fake', user: 'fake' } },
      { name: 'other', context: { cluster: 'fake', user: 'fake', namespace: 'elsewhere' } },
    ],
  });
}
