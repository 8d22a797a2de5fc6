import type { ProjectionLeasesFixture } from '@thidua/eventsourcing/testing';
import { createSqliteProjectionLeases, type SqliteProjectionLeases } from '../sqlite-projection-leases';
import { tempDatabasePath } from './temp-database';

/** Lease handles on one fresh file, each on its own connection as separate processes would be; `close()` removes the file. */
export async function leasesOnTempFile(): Promise<ProjectionLeasesFixture> {
  const file = tempDatabasePath();
  const opened: SqliteProjectionLeases[] = [];
  return {
    async open() {
      const leases = createSqliteProjectionLeases({ database: file.path });
      opened.push(leases);
      return leases;
    },
    async close() {
      try {
        await Promise.all(opened.map((leases) => leases.close()));
      } finally {
        file.remove();
      }
    },
  };
}
