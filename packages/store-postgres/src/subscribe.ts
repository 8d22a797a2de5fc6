import type { PoolClient } from 'pg';
import { quoteIdent, type PostgresConnection } from './schema';

/** Wait before listening again after the listening connection was lost. */
const RECONNECT_DELAY_MS = 500;

/**
 * Append hints over LISTEN/NOTIFY for the kernel's polling subscription.
 * `append_events` notifies the schema's channel in the appending transaction,
 * so the hint arrives only after commit. A hint only wakes readers up: order
 * and completeness come from `readAllPage`, so a lost notification (a dropped
 * connection) only delays delivery until the next poll.
 *
 * One connection is held while at least one subscriber listens, and destroyed
 * (never returned to the pool still listening) when the last one leaves.
 */
export class AppendNotifier {
  private readonly listeners = new Set<() => void>();
  private client: PoolClient | null = null;
  private connecting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly connection: PostgresConnection,
    private readonly channel: string,
  ) {}

  /** Calls `listener` after appends (from any process) to this schema; returns an unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    this.ensureListening();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopListening();
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.stopListening();
    await this.connecting?.catch(() => undefined);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private ensureListening(): void {
    if (this.closed || this.client || this.connecting || this.retry) return;
    this.connecting = this.listen()
      .catch(() => this.scheduleRetry())
      .finally(() => {
        this.connecting = null;
      });
  }

  private async listen(): Promise<void> {
    const client = await this.connection.pool.connect();
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.release(true);
      this.scheduleRetry();
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (error) {
      client.release(true);
      throw error;
    }
    if (this.closed || this.listeners.size === 0) {
      client.release(true);
      return;
    }
    this.client = client;
    client.on('notification', () => this.notify());
    // Appends made while we were not listening would otherwise wait for the next poll.
    this.notify();
  }

  private scheduleRetry(): void {
    if (this.closed || this.listeners.size === 0 || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.ensureListening();
    }, RECONNECT_DELAY_MS);
    // A pending reconnect must not keep the host process alive on its own.
    this.retry.unref();
  }

  private stopListening(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    // Destroyed rather than released: a pooled connection must not keep listening.
    client?.release(true);
  }
}
