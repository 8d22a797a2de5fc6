import { toNdjsonLine } from '@thidua/eventsourcing';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { withStores } from '../open-store';
import { openDataSink, plural, printInfo } from '../output';
import { createStepMeters, everyNth, withMeters } from '../progress';

/** Lines are gathered into chunks of about this many characters before a write: one syscall per line is slow. */
const CHUNK = 64 * 1024;

interface ExportOptions extends GlobalOptions {
  out?: string;
}

/** `thidua export [--out file]`. */
export function registerExportCommand(program: Command, finish: Finish): void {
  program
    .command('export')
    .description('write every event of the log, as stored, as NDJSON (one event a line, in log order)')
    .option('--out <file>', 'write to this file (replaced only once the export is complete) instead of stdout')
    .addHelpText(
      'after',
      `
Each line is {"streamId","revision","id","type","schemaVersion","data","metadata","recordedAt"},
revision as a decimal string, payloads as stored (not upcast), hashes included,
so thidua import can rebuild an identical, verifiable log in any store.

Examples:
  thidua export > log.ndjson
  thidua --store postgres://localhost/thidua export --out log.ndjson`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await exportLog(command.optsWithGlobals<ExportOptions>()));
    });
}

async function exportLog(options: ExportOptions): Promise<ExitCode> {
  return withStores(options, async ({ eventStore, description }) => {
    const sink = openDataSink(options.out);
    let count = 0;
    const streams = new Set<string>();
    const meters = createStepMeters({ when: options.progress });
    try {
      await withMeters(meters, async () => {
        const total = Number((await eventStore.headPosition()) ?? 0n);
        const step = `export: writing to ${sink.description}`;
        const exporting = everyNth(1_000, (position: bigint) => meters.report({ step, done: Number(position), total }));
        let chunk = '';
        // Raw: the bytes as stored, so the hash chain verifies wherever the file is imported.
        for await (const event of eventStore.readAll({ raw: true })) {
          exporting(event.position);
          chunk += toNdjsonLine(event);
          count += 1;
          streams.add(event.streamId);
          if (chunk.length >= CHUNK) {
            await sink.write(chunk);
            chunk = '';
          }
        }
        await sink.write(chunk);
      });
      await sink.close();
    } catch (error) {
      await sink.discard();
      throw error;
    }
    printInfo(`exported ${plural(count, 'event')} of ${plural(streams.size, 'stream')} from ${description} to ${sink.description}`);
    return ExitCode.ok;
  }, { readOnly: true });
}
