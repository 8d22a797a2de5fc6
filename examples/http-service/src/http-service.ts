import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createThidua } from '@thidua/domain';
import { createInMemoryProjectionLeases, ValidationError, type EventStore, type ProjectionLeases, type ProjectionStore } from '@thidua/eventsourcing';
import { problemTypeOf } from '@thidua/eventsourcing/problem-details';
import { createThiduaProjections } from '@thidua/projections';
import type { Authenticate } from './authentication';
import { problemFor } from './http-errors';
import { projectionHealth } from './projection-health';
import { matchRoute, type RouteContext, type RouteResponse } from './routes';

/** Options of {@link createHttpService}: the stores, and the service's limits. */
export interface HttpServiceOptions {
  /** The log; created with `registry: thiduaRegistry`. The service never closes it. */
  eventStore: EventStore;
  /** Where the projections keep their documents and checkpoints. The service never closes it. */
  projectionStore: ProjectionStore;
  /**
   * Who sends each request (see {@link Authenticate}): thidua authorises by
   * the actor it is given and authenticates no one, so the service refuses
   * to run without this. `bearerTokenAuthentication` checks signed tokens.
   */
  authenticate: Authenticate;
  /**
   * How the projections share the work with other replicas of the service:
   * each projection runs in the one replica holding its lease, the others
   * stand by and take over from the stored checkpoint when it stops or dies.
   */
  lease?: ProjectionLeaseOptions;
  /** How long a read with `?waitFor=` waits for the projections before a 504 (default 5 000 ms). */
  readYourWritesTimeoutMs?: number;
  /** Largest accepted request body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Called when a projection stops for good (default: `console.error`); `/healthz` then answers 503. */
  onProjectionError?(error: unknown): void;
  /** Called last by `close()`, after the server and the projections stopped: release what the service was given. */
  onClosed?(): Promise<void>;
}

/** Options of the projection leases of {@link createHttpService}. */
export interface ProjectionLeaseOptions {
  /**
   * The lease store every replica shares: PostgreSQL leases beside a
   * PostgreSQL store, SQLite leases beside a SQLite file. Default: leases in
   * this process's memory, right for one replica only. The service never
   * closes it.
   */
  leases?: ProjectionLeases;
  /** This replica's name in the leases, unique among the replicas (default `<hostname>:<pid>:<random>`). */
  owner?: string;
  /** How long a lease lasts unrenewed (default 10 000 ms): the longest a dead leader keeps a projection frozen. */
  ttlMs?: number;
  /** How often a follower tries to take a free lease (default ttl / 3). */
  retryMs?: number;
}

/** A running (or ready to run) thidua HTTP service. */
export interface ThiduaHttpService {
  /** The underlying `node:http` server, for hosts that mount it themselves. */
  readonly server: Server;
  /** This replica's name in the projection leases. */
  readonly owner: string;
  /**
   * Starts the projections (catch-up, then live) and listens. Port `0` picks
   * a free port; the default host is `127.0.0.1`.
   */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; port: number }>;
  /**
   * Stops accepting connections, lets requests in flight finish, stops the
   * projections (flushing what they applied, giving their leases up to the
   * other replicas), then calls `onClosed`. Idempotent.
   */
  close(): Promise<void>;
}

const DEFAULT_READ_YOUR_WRITES_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The HTTP service over any pair of stores (memory, SQLite, PostgreSQL):
 * every request but `/healthz` is authenticated, commands go through
 * `createThidua` as the authenticated actor, reads through the projection
 * readers, and the projections run inside the service, leased.
 *
 * @example
 * const authenticate = bearerTokenAuthentication({ secret: process.env.THIDUA_TOKEN_SECRET! });
 * const service = createHttpService({ eventStore, projectionStore, authenticate });
 * const { url } = await service.listen({ port: 3000 });
 * // …
 * await service.close();
 */
export function createHttpService(options: HttpServiceOptions): ThiduaHttpService {
  const { eventStore, projectionStore, authenticate } = options;
  if (typeof authenticate !== 'function') {
    // The types require it; a JavaScript host that leaves it out must not get a service that believes any caller.
    throw new ValidationError('Give authenticate: the service will not run without authenticating its callers', [
      { path: 'authenticate', message: 'is required: a function from the request to the actor (see bearerTokenAuthentication)' },
    ]);
  }
  const thidua = createThidua({ eventStore });
  const leases = options.lease?.leases ?? createInMemoryProjectionLeases();
  const owner = options.lease?.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const projections = createThiduaProjections({
    eventStore,
    projectionStore,
    lease: {
      leases,
      owner,
      ...(options.lease?.ttlMs === undefined ? {} : { ttlMs: options.lease.ttlMs }),
      ...(options.lease?.retryMs === undefined ? {} : { retryMs: options.lease.retryMs }),
    },
  });
  const onProjectionError = options.onProjectionError ?? ((error: unknown) => console.error('thidua projection stopped:', error));
  let projectionFailure: unknown = null;
  let started = false;
  let closing: Promise<void> | null = null;

  const context: RouteContext = {
    thidua,
    projectionStore,
    readYourWritesTimeoutMs: options.readYourWritesTimeoutMs ?? DEFAULT_READ_YOUR_WRITES_TIMEOUT_MS,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    authenticate,
    health: () =>
      projectionHealth({
        eventStore,
        projectionStore,
        leases,
        owner,
        projections: projections.projections.map((p) => p.name),
        failure: () => projectionFailure,
      }),
  };

  const server = createHttpServer((request, response) => {
    void handle(request, response, context);
  });

  return {
    server,
    owner,
    async listen(listenOptions = {}) {
      if (closing) throw new Error('The service is closed');
      if (!started) {
        started = true;
        const { done } = projections.start();
        done.catch((error: unknown) => {
          projectionFailure = error ?? new Error('projections stopped');
          onProjectionError(error);
        });
      }
      const host = listenOptions.host ?? '127.0.0.1';
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(listenOptions.port ?? 0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port };
    },
    close() {
      closing ??= (async () => {
        if (server.listening) {
          await new Promise<void>((resolve, reject) => {
            server.close((error) => (error ? reject(error) : resolve()));
            // Keep-alive connections with no request in flight would hold close() until they time out.
            server.closeIdleConnections();
          });
        }
        if (started) await projections.stop();
        await options.onClosed?.();
      })();
      return closing;
    },
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, context: RouteContext): Promise<void> {
  let reply: RouteResponse;
  try {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const { route, params } = matchRoute(request.method ?? 'GET', url.pathname);
    // Every route but the public ones (health) first learns who is asking; an unknown caller gets 401 and nothing runs.
    reply = route.public
      ? await route.handle(request, url, params, context)
      : await route.handle(request, url, params, context, await context.authenticate(request));
  } catch (error) {
    // The occurrence's name goes to the client and beside the error in the log, which alone has the details.
    const instance = `urn:uuid:${randomUUID()}`;
    const { status, headers, body } = problemFor(error, instance);
    // Faults of the server are logged; a wait that ran out (504) is the client's to retry, and says all it knows.
    if (status >= 500 && !problemTypeOf(body.code).discloses) console.error(`${instance} ${request.method} ${request.url}:`, error);
    reply = { status, headers, json: body };
  }
  send(request, response, reply);
}

function send(request: IncomingMessage, response: ServerResponse, reply: RouteResponse): void {
  const [type, body] =
    'html' in reply ? ['text/html; charset=utf-8', reply.html] : ['application/json; charset=utf-8', `${JSON.stringify(reply.json)}\n`];
  response.writeHead(reply.status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    // A problem response names its own content type (application/problem+json).
    ...reply.headers,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
