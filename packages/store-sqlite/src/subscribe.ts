import type Database from 'better-sqlite3';

/**
 * Listeners of every store instance sharing one connection. SQLite's
 * `data_version` does not move for a connection's own commits, so stores on
 * one `Database` object tell each other directly.
 */
const sameConnection = new WeakMap<Database.Database, Set<() => void>>();

/** Tells every listener on this connection that an append committed. */
export function announceAppend(db: Database.Database): void {
  const listeners = sameConnection.get(db);
  if (!listeners || listeners.size === 0) return;
  // After the caller's await resumes, like the in-memory store: a listener never runs inside append().
  queueMicrotask(() => {
    for (const listener of [...listeners]) listener();
  });
}

/**
 * Append notification for the kernel's polling subscription: immediate for
 * appends through the same connection, and, for other connections and
 * processes, a cheap check every `intervalMs` while anyone listens —
 * `PRAGMA data_version` (which moves when another connection commits), then
 * the head position, so projection commits to the same file wake nobody.
 */
export class AppendNotifier {
  private readonly listeners = new Set<() => void>();
  private readonly dataVersion: Database.Statement<[], bigint>;
  private timer: NodeJS.Timeout | null = null;
  private lastDataVersion: bigint | null = null;
  private lastHead: bigint | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly headPosition: () => bigint | null,
    private readonly intervalMs: number,
  ) {
    this.dataVersion = db.prepare<[], bigint>('PRAGMA data_version').pluck(true).safeIntegers(true);
  }

  /** Calls `listener` after appends; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    let shared = sameConnection.get(this.db);
    if (!shared) {
      shared = new Set();
      sameConnection.set(this.db, shared);
    }
    shared.add(listener);
    this.listeners.add(listener);
    this.startWatching();
    return () => {
      sameConnection.get(this.db)?.delete(listener);
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopWatching();
    };
  }

  close(): void {
    const shared = sameConnection.get(this.db);
    for (const listener of this.listeners) shared?.delete(listener);
    this.listeners.clear();
    this.stopWatching();
  }

  private startWatching(): void {
    if (this.timer) return;
    this.lastDataVersion = this.dataVersion.get() ?? null;
    this.lastHead = this.headPosition();
    this.timer = setInterval(() => this.check(), this.intervalMs);
    // Never the reason a process stays alive: a live subscription keeps its own timer.
    this.timer.unref();
  }

  private stopWatching(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private check(): void {
    let changed: boolean;
    try {
      const version = this.dataVersion.get() ?? null;
      if (version === this.lastDataVersion) return;
      this.lastDataVersion = version;
      const head = this.headPosition();
      changed = head !== this.lastHead;
      this.lastHead = head;
    } catch {
      // The connection went away under us (closed by its host): wake the readers so they meet the error themselves.
      this.stopWatching();
      changed = true;
    }
    if (changed) for (const listener of [...this.listeners]) listener();
  }
}
