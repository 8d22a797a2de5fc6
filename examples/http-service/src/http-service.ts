import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createThidua } from '@thidua/domain';
import type { EventStore, ProjectionStore } from '@thidua/eventsourcing';
import { createThiduaProjections } from '@thidua/projections';
import { errorResponse } from './http-errors';
import { matchRoute, type RouteContext, type RouteResponse } from './routes';

/** Options of {@link createHttpService}: the stores, and the service's limits. */
export interface HttpServiceOptions {
  /** The log; created with `registry: thiduaRegistry`. The service never closes it. */
  eventStore: EventStore;
  /** Where the projections keep their documents and checkpoints. The service never closes it. */
  projectionStore: ProjectionStore;
  /** How long a read with `?waitFor=` waits for the projections before a 504 (default 5 000 ms). */
  readYourWritesTimeoutMs?: number;
  /** Largest accepted request body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Called when the projections stop on an error (default: `console.error`); `/healthz` then answers 503. */
  onProjectionError?(error: unknown): void;
  /** Called last by `close()`, after the server and the projections stopped: release what the service was given. */
  onClosed?(): Promise<void>;
}

/** A running (or ready to run) thidua HTTP service. */
export interface ThiduaHttpService {
  /** The underlying `node:http` server, for hosts that mount it themselves. */
  readonly server: Server;
  /**
   * Starts the projections (catch-up, then live) and listens. Port `0` picks
   * a free port; the default host is `127.0.0.1`.
   */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; port: number }>;
  /**
   * Stops accepting connections, lets requests in flight finish, stops the
   * projections (flushing what they applied), then calls `onClosed`.
   * Idempotent.
   */
  close(): Promise<void>;
}

const DEFAULT_READ_YOUR_WRITES_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The HTTP service over any pair of stores (memory, SQLite, PostgreSQL):
 * commands go through `createThidua`, reads through the projection readers,
 * and the projections run inside the service.
 *
 * @example
 * const service = createHttpService({ eventStore, projectionStore });
 * const { url } = await service.listen({ port: 3000 });
 * // …
 * await service.close();
 */
export function createHttpService(options: HttpServiceOptions): ThiduaHttpService {
  const { eventStore, projectionStore } = options;
  const thidua = createThidua({ eventStore });
  const projections = createThiduaProjections({ eventStore, projectionStore });
  const onProjectionError = options.onProjectionError ?? ((error: unknown) => console.error('thidua projections stopped:', error));
  let projectionFailure: unknown = null;
  let started = false;
  let closing: Promise<void> | null = null;

  const context: RouteContext = {
    thidua,
    projectionStore,
    readYourWritesTimeoutMs: options.readYourWritesTimeoutMs ?? DEFAULT_READ_YOUR_WRITES_TIMEOUT_MS,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    projectionFailure: () => projectionFailure,
  };

  const server = createHttpServer((request, response) => {
    void handle(request, response, context);
  });

  return {
    server,
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
    reply = await route.handle(request, url, params, context);
  } catch (error) {
    const { status, headers, body } = errorResponse(error);
    if (status === 500) console.error(`${request.method} ${request.url}:`, error);
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
    ...reply.headers,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
