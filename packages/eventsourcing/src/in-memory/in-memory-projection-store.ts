import { ConcurrencyError } from '../errors/errors';
import type { CommitBatch, ProjectionState, ProjectionStore } from '../projections/projection';

interface Slot {
  state: ProjectionState;
  docs: Map<string, unknown>;
}

/**
 * Projection documents in process memory. Documents are cloned in and out so
 * a caller mutating a document it read cannot change the stored one.
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
        const doc = found.docs.get(key);
        if (doc !== undefined) result.set(key, structuredClone(doc));
      }
      return result;
    },
    async getDocument<T>(projection: string, key: string) {
      const doc = slot(projection)?.docs.get(key);
      return doc === undefined ? undefined : (structuredClone(doc) as T);
    },
    async listDocuments<T>(projection: string, options: { prefix?: string } = {}) {
      const found = slot(projection);
      if (!found) return [];
      const prefix = options.prefix ?? '';
      return [...found.docs.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, doc]) => ({ key, doc: structuredClone(doc) as T }));
    },
    async commit(projection, batch: CommitBatch) {
      const found = slot(projection) ?? { state: { version: batch.version, checkpoint: null }, docs: new Map() };
      if (found.state.checkpoint !== batch.expectedCheckpoint || found.state.version !== batch.version) {
        throw new ConcurrencyError(`projection:${projection}`, batch.expectedCheckpoint ?? 'no_stream', found.state.checkpoint);
      }
      // Serialise everything first, as the SQL stores do: if one document is not JSON, nothing is written.
      const cloned = [...batch.changes].map(([key, doc]) => [key, doc === null ? null : (JSON.parse(JSON.stringify(doc)) as unknown)] as const);
      for (const [key, doc] of cloned) {
        if (doc === null) found.docs.delete(key);
        else found.docs.set(key, doc);
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
    async reset(projection, version) {
      slots.set(projection, { state: { version, checkpoint: null }, docs: new Map() });
    },
    async close() {
      slots.clear();
    },
  };
}
