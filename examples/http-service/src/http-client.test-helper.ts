import type { Actor } from '@thidua/eventsourcing';

/** A response as the tests look at it: status, headers, and the body parsed when it is JSON. */
export interface Reply {
  status: number;
  headers: Headers;
  // `any` on purpose: tests read arbitrary JSON fields, and each assertion states the shape it expects.
  body: any;
  text: string;
}

/** A tiny client for the service under test, over real HTTP (fetch). */
export function client(baseUrl: string) {
  async function request(method: string, path: string, init: { actor?: Actor | string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.actor !== undefined) headers['x-thidua-actor'] = typeof init.actor === 'string' ? init.actor : JSON.stringify(init.actor);
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
    get: (path: string, headers: Record<string, string> = {}) => request('GET', path, { headers }),
    /** `POST /commands` with a DESIGN envelope; its `actor` moves to the header. */
    command: (envelope: { command: string; commandId: string; actor: Actor; data: unknown }) => {
      const { actor, ...body } = envelope;
      return request('POST', '/commands', { actor, body });
    },
    /** `POST /commands/<name>` with `{ commandId, data }`. */
    named: (name: string, actor: Actor | string, body: unknown) => request('POST', `/commands/${name}`, { actor, body }),
  };
}
