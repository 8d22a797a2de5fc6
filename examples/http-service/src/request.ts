import type { IncomingMessage } from 'node:http';
import { ValidationError } from '@thidua/eventsourcing';
import { HttpRequestError } from './http-errors';

/** The header a read may carry instead of `?waitFor=`: the `position` a command returned. */
export const WAIT_FOR_HEADER = 'x-thidua-wait-for';
/** The header every command response carries: the global position of its last event. */
export const POSITION_HEADER = 'x-thidua-position';

const POSITION = /^(0|[1-9][0-9]{0,38})$/;

/**
 * The position a read must wait for (read-your-writes): `?waitFor=<position>`
 * or the `x-thidua-wait-for` header, a decimal string as command responses
 * give it. Null when the request asks for no wait.
 */
export function waitForOf(request: IncomingMessage, url: URL): bigint | null {
  const fromQuery = url.searchParams.get('waitFor');
  const fromHeader = request.headers[WAIT_FOR_HEADER];
  const raw = fromQuery ?? (typeof fromHeader === 'string' ? fromHeader : null);
  if (raw === null) return null;
  if (!POSITION.test(raw)) {
    const path = fromQuery !== null ? 'query.waitFor' : `headers.${WAIT_FOR_HEADER}`;
    throw new ValidationError(`Invalid waitFor ${JSON.stringify(raw)}`, [
      { path, message: 'must be a position as a command returned it: a decimal string such as "42"' },
    ]);
  }
  return BigInt(raw);
}

/**
 * Reads a JSON request body, at most `maxBytes` long. A body that is not JSON
 * is a `validation_failed` (400) with the parser's complaint; a declared
 * content type other than JSON is 415; too large a body is 413.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new HttpRequestError('unsupported_media_type', 415, `Send the command as application/json, not ${type}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) {
      // Stop reading; the response goes out and the connection is closed behind it.
      request.resume();
      throw new HttpRequestError('payload_too_large', 413, `Request body exceeds ${maxBytes} bytes`, { connection: 'close' });
    }
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new ValidationError('Empty request body', [{ path: 'body', message: 'must be a JSON command' }]);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError('Request body is not JSON', [
      { path: 'body', message: `must be JSON (${error instanceof Error ? error.message : String(error)})` },
    ]);
  }
}
