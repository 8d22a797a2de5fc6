import type { IncomingMessage } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { THIDUA_COMMANDS, type Thidua } from '@thidua/domain';
import { NotFoundError, ValidationError, type Actor, type CommandResult, type ProjectionStore } from '@thidua/eventsourcing';
import {
  getAuditTrail,
  getCampaignProgress,
  getChairHistory,
  getYearEndStandings,
  toStandingsJson,
  type ReadOptions,
} from '@thidua/projections';
import { renderStandingsHtml } from '@thidua/render';
import type { Authenticate } from './authentication';
import { HttpRequestError } from './http-errors';
import type { HealthReport } from './projection-health';
import { POSITION_HEADER, readJsonBody, waitForOf } from './request';

/** What a route hands back: a JSON value or an HTML page, with a status and extra headers. */
export type RouteResponse =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; html: string; headers?: Record<string, string> };

/** What every route may use. */
export interface RouteContext {
  thidua: Thidua;
  projectionStore: ProjectionStore;
  readYourWritesTimeoutMs: number;
  maxBodyBytes: number;
  /** Who sends the request; throws (401) for an unknown caller. */
  authenticate: Authenticate;
  /** The projections' state for `/healthz`: 503 only when one stopped for good. */
  health(): Promise<{ status: 200 | 503; report: HealthReport }>;
}

/** A route anyone may call: it learns nothing of the caller. */
interface PublicRoute {
  method: 'GET' | 'POST';
  pattern: RegExp;
  public: true;
  handle(request: IncomingMessage, url: URL, params: string[], context: RouteContext): Promise<RouteResponse>;
}

/** A route for authenticated callers only: it runs after `authenticate` named the actor. */
interface AuthenticatedRoute {
  method: 'GET' | 'POST';
  pattern: RegExp;
  public?: false;
  handle(request: IncomingMessage, url: URL, params: string[], context: RouteContext, actor: Actor): Promise<RouteResponse>;
}

type Route = PublicRoute | AuthenticatedRoute;

/** One path segment, percent-decoded by the router. */
const SEGMENT = '([^/]+)';

/**
 * The API. Positions travel as decimal strings (JSON has no 64-bit integer).
 * Reads accept `?waitFor=<position>` (or the `x-thidua-wait-for` header).
 * Reads are for authenticated callers too: the audit trail says who did what.
 */
const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^\/commands$/, handle: (request, _url, _params, context, actor) => postEnvelope(request, context, actor) },
  {
    method: 'POST',
    pattern: new RegExp(`^/commands/${SEGMENT}$`),
    handle: (request, _url, [name], context, actor) => postNamedCommand(request, name!, context, actor),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/blocs/${SEGMENT}/standings/([^/]+?)(\\.html|\\.json)?$`),
    handle: (request, url, [blocId, year, extension], context) => getStandings(request, url, blocId!, year!, extension ?? '', context),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/blocs/${SEGMENT}/chair-history$`),
    handle: async (request, url, [blocId], context) =>
      found(await getChairHistory(context.projectionStore, { blocId: blocId!, ...readOptions(request, url, context) }), `bloc ${blocId}`),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/campaigns/${SEGMENT}/progress$`),
    handle: async (request, url, [campaignId], context) =>
      found(
        await getCampaignProgress(context.projectionStore, { campaignId: campaignId!, ...readOptions(request, url, context) }),
        `campaign ${campaignId}`,
      ),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/streams/${SEGMENT}/audit-trail$`),
    handle: async (request, url, [streamId], context) =>
      trail(await getAuditTrail(context.projectionStore, { streamId: streamId!, ...readOptions(request, url, context) }), `stream ${streamId}`),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/units/${SEGMENT}/audit-trail$`),
    handle: async (request, url, [unitId], context) =>
      trail(await getAuditTrail(context.projectionStore, { unitId: unitId!, ...readOptions(request, url, context) }), `unit ${unitId}`),
  },
  {
    method: 'GET',
    pattern: /^\/healthz$/,
    // Public, for load balancers and orchestrators: it names projections and lease owners, nothing of the log's content.
    public: true,
    handle: async (_request, _url, _params, context) => {
      const { status, report } = await context.health();
      return { status, json: report };
    },
  },
];

/**
 * Finds the route of a request. A known path with another method is 405
 * (with `Allow`); an unknown path is 404 (`not_found`).
 */
export function matchRoute(method: string, pathname: string): { route: Route; params: string[] } {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) {
      allowed.push(route.method);
      continue;
    }
    const params = match.slice(1).map((part) => (part === undefined ? '' : decodeSegment(part)));
    return { route, params };
  }
  if (allowed.length > 0) {
    throw new HttpRequestError('method_not_allowed', 405, `${method} ${pathname} is not supported; use ${allowed.join(', ')}`, {
      allow: allowed.join(', '),
    });
  }
  throw new NotFoundError(`No such resource: ${pathname}`, { path: pathname });
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError(`Invalid path segment ${JSON.stringify(segment)}`, [{ path: 'path', message: 'is not valid percent-encoding' }]);
  }
}

/** `POST /commands`: the command envelope `{ command, commandId, data }`; the actor is the authenticated caller. */
async function postEnvelope(request: IncomingMessage, context: RouteContext, actor: Actor): Promise<RouteResponse> {
  const body = await readJsonBody(request, context.maxBodyBytes);
  if (!isRecord(body)) throw new ValidationError('The command must be a JSON object', [{ path: '(root)', message: 'must be an object' }]);
  if ('actor' in body && !isDeepStrictEqual(body['actor'], actor)) {
    // The token says who is authenticated; a body claiming someone else is refused, not silently replaced.
    throw new ValidationError('The actor in the body is not the authenticated caller', [
      { path: 'actor', message: 'must be left out, or equal the actor of the bearer token' },
    ]);
  }
  return commandResponse(await context.thidua.execute({ ...body, actor }), body);
}

/** `POST /commands/<CommandName>`: the body is `{ commandId, data }` (plus optional correlation ids). */
async function postNamedCommand(request: IncomingMessage, name: string, context: RouteContext, actor: Actor): Promise<RouteResponse> {
  if (!(THIDUA_COMMANDS as readonly string[]).includes(name)) {
    throw new NotFoundError(`No command named ${JSON.stringify(name)}; known: ${THIDUA_COMMANDS.join(', ')}`, { command: name });
  }
  const body = await readJsonBody(request, context.maxBodyBytes);
  if (!isRecord(body)) throw new ValidationError('The command must be a JSON object', [{ path: '(root)', message: 'must be an object' }]);
  for (const key of ['command', 'actor'] as const) {
    if (key in body) {
      const source = key === 'command' ? 'the path' : 'the bearer token';
      throw new ValidationError(`${key} comes from ${source}`, [{ path: key, message: `must be left out: it comes from ${source}` }]);
    }
  }
  const envelope = { ...body, command: name, actor };
  return commandResponse(await context.thidua.execute(envelope), envelope);
}

function commandResponse(result: CommandResult<unknown>, body: Record<string, unknown>): RouteResponse {
  const position = result.position === null ? null : result.position.toString();
  return {
    status: 200,
    headers: position === null ? {} : { [POSITION_HEADER]: position },
    json: {
      command: body['command'],
      commandId: body['commandId'],
      duplicate: result.duplicate,
      position,
      revision: result.revision === null ? null : result.revision.toString(),
      events: result.events.map((event) => ({
        id: event.id,
        streamId: event.streamId,
        revision: event.revision.toString(),
        position: event.position.toString(),
        type: event.type,
      })),
    },
  };
}

const YEAR = /^[0-9]{4}$/;

async function getStandings(
  request: IncomingMessage,
  url: URL,
  blocId: string,
  year: string,
  extension: string,
  context: RouteContext,
): Promise<RouteResponse> {
  if (!YEAR.test(year)) throw new ValidationError(`Invalid year ${JSON.stringify(year)}`, [{ path: 'year', message: 'must be four digits, e.g. 2013' }]);
  const format = extension === '.html' ? 'html' : extension === '.json' ? 'json' : (url.searchParams.get('format') ?? 'json');
  if (format !== 'json' && format !== 'html') {
    throw new ValidationError(`Invalid format ${JSON.stringify(format)}`, [{ path: 'query.format', message: 'must be json or html' }]);
  }
  const standings = await getYearEndStandings(context.projectionStore, { blocId, year: Number(year), ...readOptions(request, url, context) });
  if (standings === null) throw new NotFoundError(`No campaign of bloc ${blocId} for ${year}`, { blocId, year: Number(year) });
  return format === 'html' ? { status: 200, html: renderStandingsHtml(standings) } : { status: 200, json: toStandingsJson(standings) };
}

function readOptions(request: IncomingMessage, url: URL, context: RouteContext): ReadOptions {
  const position = waitForOf(request, url);
  return position === null ? {} : { waitFor: { position, timeoutMs: context.readYourWritesTimeoutMs } };
}

function found<T>(value: T | null, what: string): RouteResponse {
  if (value === null) throw new NotFoundError(`No ${what}`);
  return { status: 200, json: value };
}

/** A stream or unit with no event in the log does not exist (as far as the log knows): 404 rather than an empty list. */
function trail<T>(entries: readonly T[], what: string): RouteResponse {
  if (entries.length === 0) throw new NotFoundError(`No events for ${what}`);
  return { status: 200, json: entries };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
