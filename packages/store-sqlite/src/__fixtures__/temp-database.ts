import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory with a database path in it; `remove()` deletes the file and its -wal/-shm companions. */
export function tempDatabasePath(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'thidua-sqlite-'));
  return { path: join(dir, 'thidua.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Opens a store on a fresh temporary file and returns it with a `close()`
 * that also removes the file, so every factory call of a suite gets its own
 * database and leaves nothing behind.
 */
export function onTempFile<S extends { close(): Promise<void> }>(open: (path: string) => S): S {
  const file = tempDatabasePath();
  let store: S;
  try {
    store = open(file.path);
  } catch (error) {
    file.remove();
    throw error;
  }
  return {
    ...store,
    async close() {
      try {
        await store.close();
      } finally {
        file.remove();
      }
    },
  };
}
