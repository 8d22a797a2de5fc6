/**
 * The SQLite store (`createSqliteEventStore`) and its projection store, in
 * one file per run under a temporary folder, with the store's defaults (WAL,
 * `synchronous = FULL`: every commit is flushed to disk).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { thiduaRegistry } from '@thidua/domain';
import { createSqliteEventStore, createSqliteProjectionStore } from '@thidua/store-sqlite';
import { atLeastOfBaseline, between } from '../report';
import { QUICK_SIZES } from './memory';
import { openStore, type StoreUnderTest, type SuiteSizes } from './store-under-test';
import type { ProjectionStore } from '@thidua/eventsourcing';

/**
 * The campaign year at full size; one-event-per-call figures smaller,
 * because each append is one flushed commit (bound by the disk's flush
 * latency, not by code).
 */
export const SQLITE_SIZES: SuiteSizes = {
  campaign: { streams: 2_000, eventsPerStream: 50 },
  single: { streams: 200, eventsPerStream: 10 },
  scaling: [
    { streams: 10, eventsPerStream: 200 },
    { streams: 500, eventsPerStream: 4 },
  ],
  rehydrate: 10_000,
  commands: { pledges: 100, rounds: 5 },
  writers: 1,
};

/** The SQLite suite; files go to a fresh folder under the OS temp dir, removed on close. */
export function sqliteSuite(options: { quick: boolean }): StoreUnderTest {
  let opened = 0;
  return {
    name: 'sqlite',
    sizes: options.quick ? QUICK_SIZES : SQLITE_SIZES,
    inProcess: false,
    note: 'one file per run, WAL, synchronous = FULL (the default): one disk flush per append call',
    targets: {
      'rebuild-standings': atLeastOfBaseline(0.5),
      'scaling-ratio': between(0.8, 1.25),
    },
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'thidua-bench-sqlite-'));
      opened += 1;
      const database = join(dir, `bench-${opened}.db`);
      const eventStore = createSqliteEventStore({ database, registry: thiduaRegistry });
      let projectionStore: ProjectionStore;
      try {
        projectionStore = createSqliteProjectionStore({ database });
      } catch (error) {
        await eventStore.close();
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      return openStore(eventStore, projectionStore, { cleanup: () => rmSync(dir, { recursive: true, force: true }) });
    },
  };
}
