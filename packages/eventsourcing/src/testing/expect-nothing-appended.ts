import { fail, strictEqual } from 'node:assert/strict';
import type { EventStore } from '../event-store/event-store';
import type { ErrorCode } from '../errors/thidua-error';

/**
 * Runs `action`, expects it to reject with `code` (and `rule`), and asserts
 * that the store's head did not move: a rejected command appends nothing.
 * Returns the error for further checks.
 */
export async function expectRejectedWithNothingAppended(
  store: EventStore,
  action: () => Promise<unknown>,
  code: ErrorCode,
  rule?: string,
): Promise<Error & { code: ErrorCode }> {
  const before = await store.headPosition();
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) fail(`expected a ${code} rejection, but the action succeeded`);
  const error = caught as Error & { code: ErrorCode; rule?: string };
  strictEqual(error.code, code, `error code (${error.message})`);
  if (rule !== undefined) strictEqual(error.rule, rule, `rule (${error.message})`);
  strictEqual(await store.headPosition(), before, 'the store head moved: something was appended');
  return error;
}
