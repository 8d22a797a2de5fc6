import type { RecordedEvent } from '../envelope/envelope';
import { ProjectionFailedError } from '../errors/errors';
import type { Projection, ProjectionDocuments, ProjectionStore } from './projection';

/** Documents an applier keeps cached across commits before it lets them go (bounds a long catch-up's memory). */
const MAX_CACHED_DOCUMENTS = 2_000;

/**
 * Applies events to an overlay of documents loaded from a projection store.
 * Nothing reaches the store until `commit`; on a failed event the overlay is
 * thrown away whole, so a batch is all-or-nothing.
 *
 * After a commit the overlay stays as a cache for the next batches: the
 * documents are what was just written, and the commit guard (the expected
 * checkpoint) fails any later commit if someone else wrote in between, so a
 * stale cache can never be written. Reloading and re-parsing the same
 * documents for every page was most of a rebuild's cost.
 */
export class BatchApplier {
  private readonly overlay = new Map<string, unknown | null>();
  private readonly changed = new Set<string>();
  private lastPosition: bigint | null = null;
  private applied = 0;
  private readonly handles: ReadonlySet<string>;

  /** `documents` is where the batch reads and writes: the projection's name, or a staging name during a rebuild. */
  constructor(
    private readonly projection: Projection,
    private readonly projectionStore: ProjectionStore,
    private readonly documents: string = projection.name,
  ) {
    this.handles = new Set(projection.handles);
  }

  get size(): number {
    return this.applied;
  }

  get position(): bigint | null {
    return this.lastPosition;
  }

  /**
   * Loads the documents a page of events needs (one round-trip), then applies
   * them in order, asking the projection for each event's keys once. Events of
   * types the projection does not handle only move the position.
   */
  async applyPage(events: readonly RecordedEvent[]): Promise<void> {
    const keysOf: (readonly string[] | null)[] = new Array<readonly string[] | null>(events.length);
    const missing = new Set<string>();
    for (let index = 0; index < events.length; index++) {
      const event = events[index] as RecordedEvent;
      const keys = this.handles.has(event.type) ? this.projection.keys(event) : null;
      keysOf[index] = keys;
      if (keys) for (let k = 0; k < keys.length; k++) if (!this.overlay.has(keys[k] as string)) missing.add(keys[k] as string);
    }
    await this.load(missing);
    for (let index = 0; index < events.length; index++) this.apply(events[index] as RecordedEvent, keysOf[index] ?? null);
  }

  private async load(missing: ReadonlySet<string>): Promise<void> {
    if (missing.size === 0) return;
    const loaded = await this.projectionStore.getDocuments(this.documents, [...missing]);
    for (const key of missing) this.overlay.set(key, loaded.get(key) ?? null);
  }

  /*
   * The keys the event being applied declared, and the one view of the
   * overlay every event gets: allocating a Set and three closures per event
   * was a tenth of an in-memory rebuild.
   */
  private allowed: readonly string[] = [];
  private current: RecordedEvent | null = null;
  private readonly view: ProjectionDocuments = {
    get: (key) => {
      this.assertAllowed(key);
      const doc = this.overlay.get(key);
      return doc === null ? undefined : doc;
    },
    set: (key, doc) => {
      this.assertAllowed(key);
      this.overlay.set(key, doc);
      this.changed.add(key);
    },
    delete: (key) => {
      this.assertAllowed(key);
      this.overlay.set(key, null);
      this.changed.add(key);
    },
  };

  private apply(event: RecordedEvent, keys: readonly string[] | null): void {
    if (keys !== null) {
      this.allowed = keys;
      this.current = event;
      try {
        this.projection.apply(event, this.view);
      } catch (error) {
        throw new ProjectionFailedError(this.projection.name, event, error);
      } finally {
        this.current = null;
      }
    }
    this.lastPosition = event.position;
    this.applied += 1;
  }

  /** Moves the checkpoint past events known to hold nothing for this projection. */
  advanceTo(position: bigint): void {
    if (this.lastPosition === null || position > this.lastPosition) this.lastPosition = position;
  }

  /**
   * Writes documents and checkpoint atomically; returns the new checkpoint, or
   * null when there was nothing to write. After it the applier starts a new
   * batch (`size` 0) over the same, still cached, documents.
   */
  async commit(version: number, expectedCheckpoint: bigint | null): Promise<bigint | null> {
    if (this.lastPosition === null || this.lastPosition === expectedCheckpoint) return null;
    const changes = new Map<string, unknown | null>();
    for (const key of this.changed) changes.set(key, this.overlay.get(key) ?? null);
    await this.projectionStore.commit(this.documents, {
      version,
      expectedCheckpoint,
      checkpoint: this.lastPosition,
      changes,
    });
    this.changed.clear();
    this.applied = 0;
    if (this.overlay.size > MAX_CACHED_DOCUMENTS) this.overlay.clear();
    return this.lastPosition;
  }

  private assertAllowed(key: string): void {
    // Outside apply() (a view kept by the projection) nothing is allowed.
    if (this.current === null || !declares(this.allowed, key)) {
      throw new Error(`document ${key} was not declared by keys() for ${this.current?.type ?? 'an event being applied'}`);
    }
  }
}

/** `keys.includes(key)` as a plain loop: it runs for every document access of a rebuild, and keys() lists one or two. */
function declares(keys: readonly string[], key: string): boolean {
  for (let index = 0; index < keys.length; index++) if (keys[index] === key) return true;
  return false;
}
