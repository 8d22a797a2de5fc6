/**
 * @packageDocumentation
 * Replays a report's command file through the `thidua` CLI, as a user
 * would: `thidua exec`, then read commands with `--format json`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@thidua/cli';

/** A report replayed into its own SQLite file. */
export interface ReplayedReport {
  /** Runs `thidua <args…> --format json` and parses what it printed; throws on a non-zero exit code. */
  json<T>(args: readonly string[]): Promise<T>;
  /** Removes the SQLite file. */
  close(): void;
}

/** `thidua exec <commandsFile>` on a fresh SQLite file; throws when a command is refused. */
export async function replayReport(commandsFile: string): Promise<ReplayedReport> {
  const dir = mkdtempSync(join(tmpdir(), 'thidua-report-'));
  const store = ['--store', `sqlite:${join(dir, 'thidua.db')}`, '--progress', 'never'];
  const run = async (args: readonly string[]) => {
    const code = await main([...store, ...args]);
    if (code !== 0) throw new Error(`thidua ${args.join(' ')} exited with ${code}`);
  };
  await run(['exec', commandsFile]);
  let reads = 0;
  return {
    async json<T>(args: readonly string[]): Promise<T> {
      const out = join(dir, `read-${(reads += 1)}.json`);
      await run([...args, '--format', 'json', '--out', out]);
      return JSON.parse(readFileSync(out, 'utf8')) as T;
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
