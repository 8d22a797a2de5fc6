/*
 * Child process: opens a (possibly new) SQLite file by path, as a second
 * process would, and appends `count` events to a stream shared with other
 * writers, each with the revision it just read (retrying on conflicts), and
 * `count` to a stream of its own.
 * Args: <db path> <writer name> <count> <go file>. Prints `ready`, waits for
 * the go file to exist (a start line shared by all writers, so they really
 * open the file together), then works, prints `conflicts <n>` and exits 0.
 */
import { existsSync } from 'node:fs';
import { isThiduaError } from '@thidua/eventsourcing';
import { createSqliteEventStore } from '@thidua/store-sqlite';
import { tell } from './pause-trigger';

async function main(): Promise<void> {
  const [path, writer, count = '100', go] = process.argv.slice(2);
  if (!path || !writer || !go) throw new Error('usage: concurrent-writer <db> <writer> <count> <go file>');
  tell('ready');
  while (!existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 2));
  const store = createSqliteEventStore({ database: `sqlite:${path}`, busyTimeoutMs: 20_000 });
  let conflicts = 0;
  for (let i = 0; i < Number(count); i += 1) {
    for (;;) {
      const revision = await store.streamRevision('shared');
      try {
        await store.appendToStream('shared', [{ type: 'Tested', data: { writer, i } }], { expectedRevision: revision ?? 'no_stream' });
        break;
      } catch (error) {
        if (!isThiduaError(error, 'concurrency')) throw error;
        conflicts += 1;
      }
    }
    await store.appendToStream(`own-${writer}`, [{ type: 'Tested', data: { writer, i } }, { type: 'Tested', data: { writer, i, second: true } }]);
  }
  tell(`conflicts ${conflicts}`);
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
