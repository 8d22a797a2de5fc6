import type { Actor } from '@thidua/eventsourcing';
import { signActorToken } from './actor-tokens';
import { bearerTokenAuthentication } from './authentication';

/** The secret the tests' services check tokens with (test-only: 32 bytes of nothing secret). */
export const TEST_TOKEN_SECRET = 'test-only-secret-0123456789abcdef';

/** The authentication of the services under test: bearer tokens signed with {@link TEST_TOKEN_SECRET}. */
export const testAuthentication = () => bearerTokenAuthentication({ secret: TEST_TOKEN_SECRET });

/** A valid bearer token for `actor`, good for an hour. */
export const tokenFor = (actor: Actor) => signActorToken(actor, { secret: TEST_TOKEN_SECRET, expiresInSeconds: 3600 });

/** A response as the tests look at it: status, headers, and the body parsed when it is JSON. */
export interface Reply {
  status: number;
  headers: Headers;
  // `any` on purpose: tests read arbitrary JSON fields, and each assertion states the shape it expects.
  body: any;
  text: string;
}

/** Who a test request comes from: an actor (a valid token is signed for it), a raw `Authorization` value, or no one. */
export type Caller = Actor | { authorization: string } | null;

/** A tiny client for the service under test, over real HTTP (fetch). */
export function client(baseUrl: string) {
  async function request(method: string, path: string, init: { as?: Caller; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    const as = init.as ?? null;
    if (as !== null) headers['authorization'] = 'authorization' in as ? as.authorization : `Bearer ${tokenFor(as)}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? (JSON.parse(text) as unknown) : undefined;
    return { status: response.status, headers: response.headers, body: json, text };
  }
  return {
    request,
    /** `GET` as `as` (a reader such as an auditor, or anyone authenticated). */
    get: (path: string, as: Caller, headers: Record<string, string> = {}) => request('GET', path, { as, headers }),
    /** `POST /commands` with a command envelope, authenticated as its `actor` (which stays out of the body). */
    command: (envelope: { command: string; commandId: string; actor: Actor; data: unknown }) => {
      const { actor, ...body } = envelope;
      return request('POST', '/commands', { as: actor, body });
    },
    /** `POST /commands/<name>` with `{ commandId, data }`. */
    named: (name: string, as: Caller, body: unknown) => request('POST', `/commands/${name}`, { as, body }),
  };
}
