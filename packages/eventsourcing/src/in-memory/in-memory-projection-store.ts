import { ConcurrencyError } from '../errors/errors';
import type { CommitBatch, ProjectionState, ProjectionStore } from '../projections/projection';

interface Slot {
  state: ProjectionState;
  /** Documents as JSON text, as the SQL stores keep them. */
  docs: Map<string, string>;
}

/**
 * Projection documents in process memory. Documents are kept as JSON text,
 * so a caller mutating a document it read (or committed) cannot change the
 * stored one; writing is one `JSON.stringify`, reading one `JSON.parse`
 * (cheaper than cloning a live object graph on both sides).
 */
export function createInMemoryProjectionStore(): ProjectionStore {
  const slots = new Map<string, Slot>();
  const slot = (projection: string): Slot | undefined => slots.get(projection);

  return {
    name: 'memory',
    async getState(projection) {
      const found = slot(projection);
      return found ? { ...found.state } : null;
    },
    async getDocuments(projection, keys) {
      const found = slot(projection);
      const result = new Map<string, unknown>();
      if (!found) return result;
      for (const key of keys) {
        const text = found.docs.get(key);
        if (text !== undefined) result.set(key, JSON.parse(text) as unknown);
      }
      return result;
    },
    async getDocument<T>(projection: string, key: string) {
      const text = slot(projection)?.docs.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    async listDocuments<T>(projection: string, options: { prefix?: string } = {}) {
      const found = slot(projection);
      if (!found) return [];
      const prefix = options.prefix ?? '';
      return [...found.docs.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, text]) => ({ key, doc: JSON.parse(text) as T }));
    },
    async commit(projection, batch: CommitBatch) {
      const found = slot(projection) ?? { state: { version: batch.version, checkpoint: null }, docs: new Map() };
      if (found.state.checkpoint !== batch.expectedCheckpoint || found.state.version !== batch.version) {
        throw new ConcurrencyError(`projection:${projection}`, batch.expectedCheckpoint ?? 'no_stream', found.state.checkpoint);
      }
      // Serialise everything first, as the SQL stores do: if one document is not JSON, nothing is written.
      const serialized = [...batch.changes].map(([key, doc]) => [key, doc === null ? null : serialize(key, doc)] as const);
      for (const [key, text] of serialized) {
        if (text === null) found.docs.delete(key);
        else found.docs.set(key, text);
      }
      found.state = { version: batch.version, checkpoint: batch.checkpoint };
      slots.set(projection, found);
    },
    async promote(staging, target) {
      const found = slot(staging);
      if (!found) throw new Error(`Nothing staged under ${staging}`);
      slots.set(target, found);
      slots.delete(staging);
    },
    async drop(projection) {
      slots.delete(projection);
    },
    async reset(projection, version) {
      slots.set(projection, { state: { version, checkpoint: null }, docs: new Map() });
    },
    async close() {
      slots.clear();
    },
  };
}

/** JSON text of a document; a value JSON cannot hold (undefined, a function) fails the whole commit, as in the SQL stores. */
function serialize(key: string, doc: unknown): string {
  const text = JSON.stringify(doc) as string | undefined;
  if (text === undefined) throw new TypeError(`Document ${key} is not JSON (${typeof doc})`);
  return text;
}
