import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { applyImport, planImport, type ImportProgress, type NdjsonLines } from '@thidua/eventsourcing';
import { thiduaRegistry } from '@thidua/domain';
import { Option, type Command } from 'commander';
import { ExitCode } from '../exit-codes';
import { currentIo } from '../io';
import type { Finish, GlobalOptions } from '../main';
import { withStores } from '../open-store';
import { plural, printData, printInfo } from '../output';
import { createStepMeters, withMeters, type StepProgress } from '../progress';
import { inputName, readLines, STDIN } from '../read-lines';

interface ImportOptions extends GlobalOptions {
  dryRun?: boolean;
  format: 'text' | 'json';
}

/** `thidua import <file>`. */
export function registerImportCommand(program: Command, finish: Finish): void {
  program
    .command('import')
    .description('append the events of an NDJSON export, after validating the whole file (nothing is appended if any line is bad)')
    .argument('<file>', 'NDJSON file, one event a line, as written by thidua export; - reads stdin')
    .option('--dry-run', 'validate only; append nothing')
    .addOption(new Option('--format <format>', 'how to report: text, or json (the result, or every bad line, as JSON)').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Every line is checked first: JSON, envelope keys, payload against the event
registry for its schemaVersion, unique ids, per-stream revisions starting at
the store's next revision, and the hash chains. Each bad line is named and
nothing is appended (a new SQLite file is not even left behind). Events the
store already holds (same id, revision and hash) are skipped, so importing
the same file twice appends nothing.

Examples:
  thidua export --out log.ndjson
  thidua --store sqlite:./copy.db import log.ndjson
  thidua --store postgres://localhost/thidua import --dry-run log.ndjson
  thidua --store sqlite:./a.db export | thidua --store sqlite:./b.db import -`,
    )
    .action(async (file: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<ImportOptions>();
      finish(file === STDIN ? await importStdin(options) : await importFile(file, file, options));
    });
}

/** The import reads its input twice (validate, then append): standard input is kept in a private temporary file. */
async function importStdin(options: ImportOptions): Promise<ExitCode> {
  const dir = await mkdtemp(join(tmpdir(), 'thidua-import-'));
  try {
    const spooled = join(dir, 'stdin.ndjson');
    await pipeline(currentIo().stdin, createWriteStream(spooled, { mode: 0o600 }));
    return await importFile(spooled, 'stdin', options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const STEP: Record<ImportProgress['phase'], (name: string) => Pick<StepProgress, 'step' | 'unit'>> = {
  validating: (name) => ({ step: `import: validating ${name}`, unit: 'bytes' }),
  'checking-ids': () => ({ step: 'import: checking the new event ids against the store' }),
  appending: () => ({ step: 'import: appending' }),
};

async function importFile(path: string, shownAs: string, options: ImportOptions): Promise<ExitCode> {
  const name = inputName(shownAs);
  const lines: NdjsonLines = () => readLines(path);
  const json = options.format === 'json';
  return withStores(
    options,
    async ({ eventStore, description }) => {
      const meters = createStepMeters({ when: options.progress });
      const report = (progress: ImportProgress) => meters.report({ ...STEP[progress.phase](name), done: progress.done, total: progress.total });
      const totalBytes = (await stat(path).catch(() => null))?.size ?? 0;
      const plan = await withMeters(meters, () => planImport({ lines, eventStore, registry: thiduaRegistry, totalBytes, onProgress: report }));
      const total = plan.newEvents + plan.present;
      const facts = { file: name, store: description, events: total, new: plan.newEvents, present: plan.present };
      if (plan.badLines.length > 0) {
        if (json) {
          const badLines = plan.badLines.map(({ lineNumber, streamId, revision, reason }) => ({
            line: lineNumber,
            ...(streamId === undefined ? {} : { streamId }),
            ...(revision === undefined ? {} : { revision: revision.toString() }),
            reason,
          }));
          const message = `import refused: ${plural(plan.badLines.length, 'bad line')} in ${name}; nothing was appended`;
          printInfo(JSON.stringify({ error: { code: 'import_refused', message, file: name, badLines }, exitCode: ExitCode.refused }));
        } else {
          for (const bad of plan.badLines) printInfo(`line ${bad.lineNumber}: ${bad.reason}`);
          printInfo(`import refused: ${plural(plan.badLines.length, 'bad line')} in ${name}; nothing was appended`);
        }
        return ExitCode.refused;
      }
      if (options.dryRun) {
        await printData(
          json
            ? `${JSON.stringify({ ...facts, valid: true, dryRun: true, appended: 0 })}\n`
            : `${name} is valid: ${plural(total, 'event')}, ${plan.newEvents} new, ${plan.present} already in ${description}; nothing appended (--dry-run)\n`,
        );
        return ExitCode.ok;
      }
      if (plan.newEvents === 0) {
        await printData(
          json
            ? `${JSON.stringify({ ...facts, valid: true, dryRun: false, appended: 0, streams: 0 })}\n`
            : `nothing to import: all ${plural(total, 'event')} of ${name} are already in ${description}\n`,
        );
        return ExitCode.ok;
      }
      let appended = 0;
      const onAppend = (progress: ImportProgress) => {
        appended = progress.done;
        report(progress);
      };
      const result = await withMeters(meters, () => applyImport({ lines, eventStore, plan, onProgress: onAppend })).catch((error: unknown) => {
        // After the meter is gone, so the notice is not drawn into a progress bar.
        if (appended > 0) {
          printInfo(`import stopped after appending ${appended} events; run it again to append the rest (events already in the store are skipped)`);
        }
        throw error;
      });
      await printData(
        json
          ? `${JSON.stringify({ ...facts, valid: true, dryRun: false, appended: result.appended, streams: result.streams })}\n`
          : `imported ${plural(result.appended, 'event')} into ${plural(result.streams, 'stream')} of ${description} (${plan.present} already present)\n`,
      );
      return ExitCode.ok;
    },
    { removeIfLeftEmpty: true },
  );
}
