/**
 * The PostgreSQL store (`createPostgresEventStore`) and its projection
 * store. Each opened store gets its own schema, dropped when it is closed.
 */
import { Client } from 'pg';
import { thiduaRegistry } from '@thidua/domain';
import { createPostgresEventStore, createPostgresProjectionStore } from '@thidua/store-postgres';
import { atLeast, atMost, between } from '../report';
import { QUICK_SIZES } from './memory';
import { openStore, type StoreUnderTest, type SuiteSizes } from './store-under-test';

/** The server the bench looks for: 127.0.0.1:5432, user postgres (override with `--pg-url` or THIDUA_BENCH_DATABASE_URL). */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Sizes of the issue for PostgreSQL: S = 500, E = 20 (10 000 events). */
export const POSTGRES_SIZES: SuiteSizes = {
  campaign: { streams: 500, eventsPerStream: 20 },
  single: { streams: 500, eventsPerStream: 20 },
  scaling: [
    { streams: 20, eventsPerStream: 500 },
    { streams: 1_000, eventsPerStream: 10 },
  ],
  rehydrate: 10_000,
  commands: { pledges: 100, rounds: 5 },
  writers: 8,
  sequential: { streams: 100, eventsPerStream: 10 },
};

/** Tiny sizes for the smoke test: the other stores' quick sizes, with the PostgreSQL-only figure and several writers. */
export const POSTGRES_QUICK_SIZES: SuiteSizes = { ...QUICK_SIZES, writers: 4, sequential: { streams: 4, eventsPerStream: 3 } };

/** Resolves to null when a server answers at `url`, to the reason otherwise. */
export async function whyPostgresUnavailable(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Schema names of this process: `thidua_bench_<pid>_<n>`. */
export function benchSchemaPrefix(): string {
  return `thidua_bench_${process.pid}_`;
}

/** Runs `work` on a client of its own, always ended. */
async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The PostgreSQL suite against `url`. */
export function postgresSuite(options: { quick: boolean; url: string }): StoreUnderTest {
  let opened = 0;
  const admin = (sql: string) => withClient(options.url, async (client) => void (await client.query(sql)));
  return {
    name: 'postgres',
    sizes: options.quick ? POSTGRES_QUICK_SIZES : POSTGRES_SIZES,
    inProcess: false,
    note: 'one schema per run; server defaults (synchronous_commit = on: a WAL flush per commit); the store\'s pool of 10 connections',
    targets: {
      'append-single': atLeast(3_000, 'events/s'),
      'append-batched': atLeast(18_000, 'events/s'),
      'scaling-ratio': between(0.8, 1.25),
      rehydrate: atMost(40, 'ms'),
      'read-stream': atMost(40, 'ms'),
      'rebuild-standings': atLeast(100_000, 'events/s'),
    },
    async open() {
      opened += 1;
      const schema = `${benchSchemaPrefix()}${opened}`;
      const eventStore = createPostgresEventStore({ connectionString: options.url, schema, registry: thiduaRegistry });
      const projectionStore = createPostgresProjectionStore({ connectionString: options.url, schema });
      return openStore(eventStore, projectionStore, {
        cleanup: () => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
        // Statistics for the tables the store made; without them the planner guesses (see docs/benchmarks.md).
        settle: () =>
          withClient(options.url, async (client) => {
            const tables = await client.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [schema]);
            for (const { tablename } of tables.rows) await client.query(`ANALYZE "${schema}"."${tablename}"`);
          }),
      });
    },
  };
}
