import type { QueryArrayConfig } from 'pg';
import { sqlTypes, statementName, type PostgresConnection } from './schema';

interface Waiter {
  resolve(revision: bigint | null): void;
  reject(error: unknown): void;
}

/**
 * `streamRevision` calls of one turn of the event loop answered by one
 * query. Concurrent commands each check the tips of their streams (their
 * state cache asks before trusting what it holds); one round-trip per tip
 * made the socket writes the largest cost of a command. A call is answered
 * by a query sent after it was made, so it sees every append committed
 * before it, as a query of its own would.
 */
export class RevisionBatcher {
  private waiting = new Map<string, Waiter[]>();
  private readonly text: string;
  private readonly name: string;

  constructor(private readonly connection: PostgresConnection) {
    this.text = `SELECT stream_id, revision FROM ${connection.q}.streams WHERE stream_id = ANY ($1::text[])`;
    this.name = statementName(connection.schema, 'revisions');
  }

  /** The stream's last committed revision, `null` when it does not exist. */
  revision(streamId: string): Promise<bigint | null> {
    return new Promise<bigint | null>((resolve, reject) => {
      const first = this.waiting.size === 0;
      const waiters = this.waiting.get(streamId);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(streamId, [{ resolve, reject }]);
      if (first) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = new Map();
    try {
      const query: QueryArrayConfig = { name: this.name, text: this.text, values: [[...waiting.keys()]], types: sqlTypes, rowMode: 'array' };
      const result = await this.connection.pool.query<[string, bigint]>(query);
      const revisions = new Map(result.rows.map(([streamId, revision]) => [streamId, revision]));
      for (const [streamId, waiters] of waiting) for (const waiter of waiters) waiter.resolve(revisions.get(streamId) ?? null);
    } catch (error) {
      for (const waiters of waiting.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }
}
