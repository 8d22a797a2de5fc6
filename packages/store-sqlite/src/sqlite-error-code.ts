/**
 * The SQLite result code of an error (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`…).
 * By code, not `instanceof`: the native addon keeps the error class of the
 * first copy of better-sqlite3 loaded in the process, so errors reaching a
 * second copy (bundles, test runners' per-file module registries and realms)
 * are instances of neither its SqliteError nor its Error.
 */
export function sqliteErrorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
