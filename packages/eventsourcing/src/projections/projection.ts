import type { RecordedEvent } from '../envelope/envelope';

/**
 * The documents a projection may touch while applying one event: those named
 * by its `keys(event)`. Documents are JSON values (no bigint, no Date).
 */
export interface ProjectionDocuments<Doc = unknown> {
  get(key: string): Doc | undefined;
  set(key: string, doc: Doc): void;
  delete(key: string): void;
}

/**
 * A named, versioned fold of events into keyed documents. Bump `version`
 * whenever `apply` changes meaning: the runner then rebuilds from the log.
 *
 * @example
 * const counts: Projection<{ n: number }> = {
 *   name: 'event-counts', version: 1, handles: ['ScoreRecorded'],
 *   keys: (e) => [e.streamId],
 *   apply: (e, docs) => docs.set(e.streamId, { n: (docs.get(e.streamId)?.n ?? 0) + 1 }),
 * };
 */
export interface Projection<Doc = unknown> {
  readonly name: string;
  readonly version: number;
  /** Event types this projection reads; others are never passed to `apply`. */
  readonly handles: readonly string[];
  /** Keys of every document `apply` will get or set for this event, so they can be loaded in one round-trip. */
  keys(event: RecordedEvent): readonly string[];
  /** Synchronous and deterministic: the same events always give the same documents. */
  apply(event: RecordedEvent, docs: ProjectionDocuments<Doc>): void;
}

/** A projection's stored progress. `checkpoint` is the position of the last event applied (null: none yet). */
export interface ProjectionState {
  version: number;
  checkpoint: bigint | null;
}

/** A document written (object) or removed (`null`) by a batch. */
export type DocumentChanges = ReadonlyMap<string, unknown | null>;

export interface CommitBatch {
  version: number;
  /** The checkpoint the batch was built on; a mismatch means another runner moved it (ConcurrencyError). */
  expectedCheckpoint: bigint | null;
  checkpoint: bigint;
  changes: DocumentChanges;
}

/**
 * Where projections keep their documents and checkpoints. `commit` writes a
 * batch of documents and the new checkpoint in one atomic step, so a crash
 * never leaves documents ahead of or behind their checkpoint.
 */
export interface ProjectionStore {
  readonly name: string;
  getState(projection: string): Promise<ProjectionState | null>;
  getDocuments(projection: string, keys: readonly string[]): Promise<Map<string, unknown>>;
  getDocument<T = unknown>(projection: string, key: string): Promise<T | undefined>;
  /** Documents whose key starts with `prefix`, ordered by key. */
  listDocuments<T = unknown>(projection: string, options?: { prefix?: string }): Promise<{ key: string; doc: T }[]>;
  /**
   * Writes the batch; keeps no reference to its documents (they are
   * serialised before it resolves), so the runner may go on changing them in
   * later batches.
   */
  commit(projection: string, batch: CommitBatch): Promise<void>;
  /** Removes every document and the checkpoint, and records `version`: the start of a rebuild. */
  reset(projection: string, version: number): Promise<void>;
  /**
   * Atomically replaces `target`'s documents and state with `staging`'s and
   * removes `staging`: the swap of a blue/green rebuild, so readers see the
   * old documents or the new ones, never a half-rebuilt mix.
   */
  promote(staging: string, target: string): Promise<void>;
  /**
   * Removes a projection's documents and state altogether, atomically, as
   * if it had never run; nothing happens when there are none. The runner
   * calls it on start for the staging documents a killed blue/green rebuild
   * left behind.
   */
  drop(projection: string): Promise<void>;
  close(): Promise<void>;
}
