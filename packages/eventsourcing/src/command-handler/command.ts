import type { Actor } from '../envelope/envelope';

/**
 * A command as it arrives from a caller: `{ command, commandId, actor, data }`.
 * `commandId` is the idempotency key: re-sending it appends nothing.
 */
export interface Command<Type extends string = string, Data = unknown> {
  command: Type;
  commandId: string;
  actor: Actor;
  data: Data;
  correlationId?: string;
  causationId?: string;
}
