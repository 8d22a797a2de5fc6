import { createThidua } from '@thidua/domain';
import { isThiduaError, ValidationError } from '@thidua/eventsourcing';
import { Option, type Command } from 'commander';
import { ExitCode } from '../exit-codes';
import { copyLogIntoMemory } from '../log-copy';
import type { Finish, GlobalOptions } from '../main';
import { withStores } from '../open-store';
import { describeThiduaError, plural, printData, printInfo } from '../output';
import { inputName, readLines } from '../read-lines';

/** Blank lines and `#` or `//` comments are not commands. */
const isCommandLine = (text: string): boolean => {
  const trimmed = text.trim();
  return trimmed !== '' && !trimmed.startsWith('#') && !trimmed.startsWith('//');
};

/** What `exec` did with a file. */
export interface ExecReport {
  /** Commands accepted this time (each appended its events). */
  applied: number;
  /** Commands whose `commandId` had been handled before: nothing was appended for them. */
  alreadyApplied: number;
  /** Events appended this time. */
  events: number;
  /** The line execution stopped at: a refusal (a thidua error), or an unexpected failure (the store went away). */
  stoppedAt: { lineNumber: number; error: unknown } | null;
}

/**
 * Runs the commands of a file in order, one JSON command a line, and stops at
 * the first refused one. Commands are idempotent by `commandId`, so running a
 * file again appends nothing for the lines that were applied before.
 */
export async function runCommandFile(
  path: string,
  execute: (command: unknown) => Promise<{ duplicate: boolean; events: readonly unknown[] }>,
): Promise<ExecReport> {
  const report: ExecReport = { applied: 0, alreadyApplied: 0, events: 0, stoppedAt: null };
  for await (const { lineNumber, text } of readLines(path)) {
    if (!isCommandLine(text)) continue;
    let command: unknown;
    try {
      command = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      report.stoppedAt = {
        lineNumber,
        error: new ValidationError(`Invalid command: not JSON (${reason})`, [{ path: '(root)', message: 'not JSON' }]),
      };
      return report;
    }
    try {
      const result = await execute(command);
      if (result.duplicate) report.alreadyApplied += 1;
      else {
        report.applied += 1;
        report.events += result.events.length;
      }
    } catch (error) {
      report.stoppedAt = { lineNumber, error };
      return report;
    }
  }
  return report;
}

interface ExecOptions extends GlobalOptions {
  dryRun?: boolean;
  format: 'text' | 'json';
}

/** `thidua exec <file>`. */
export function registerExecCommand(program: Command, finish: Finish): void {
  program
    .command('exec')
    .description('run commands from a file, one JSON command a line; stop at the first refused one')
    .argument('<file>', 'file of commands: {"command","commandId","actor","data"} per line; - reads stdin')
    .option('--dry-run', 'validate and decide every command against the current log, append nothing')
    .addOption(new Option('--format <format>', 'how to report: text, or json (results and refusals as JSON)').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Blank lines and lines starting with # or // are skipped. A refused command is
reported as "line N: error [code rule] message" and ends the run with exit
code 1; the commands before it stay applied. Commands are idempotent by
commandId: running the same file again appends nothing.

--dry-run runs the same checks and rules against a copy of the current log
in memory (each command sees the ones before it), so it says whether the
file would go through, and where it would stop, without writing anything.

Example line:
  {"command":"EstablishBloc","commandId":"tn-2013-001","actor":{"id":"hdtdkt","role":"council"},"data":{"blocId":"tay-ninh-kinh-te-ky-thuat","name":"Khối Thi đua Kinh tế - Kỹ thuật","authority":"UBND tỉnh Tây Ninh","establishedAt":"2013-01-02T08:00:00+07:00"}}

Examples:
  thidua exec commands.ndjson
  thidua exec --dry-run commands.ndjson
  generate-commands | thidua --store postgres://localhost/thidua exec -`,
    )
    .action(async (file: string, _options: unknown, command: Command) => {
      finish(await runExec(file, command.optsWithGlobals<ExecOptions>()));
    });
}

async function runExec(path: string, options: ExecOptions): Promise<ExitCode> {
  const name = inputName(path);
  return withStores(
    options,
    async ({ eventStore, description }) => {
      const target = options.dryRun ? await copyLogIntoMemory(eventStore) : eventStore;
      const thidua = createThidua({ eventStore: target });
      const report = await runCommandFile(path, (command) => thidua.execute(command));
      if (options.dryRun) await target.close();
      const verb = options.dryRun ? 'would be appended' : 'appended';
      const done = `${report.applied} ${options.dryRun ? 'accepted' : 'applied'} (${plural(report.events, 'event')} ${verb}), ${report.alreadyApplied} already applied`;
      const facts = {
        file: name,
        store: description,
        dryRun: options.dryRun === true,
        commands: report.applied + report.alreadyApplied,
        applied: report.applied,
        alreadyApplied: report.alreadyApplied,
        events: report.events,
      };
      if (report.stoppedAt) {
        const { lineNumber, error } = report.stoppedAt;
        if (!isThiduaError(error)) {
          // Not a refusal: main() reports the failure itself; say where it struck.
          printInfo(`exec stopped at line ${lineNumber} of ${name} by an unexpected failure; before it: ${done}`);
          throw error;
        }
        if (options.format === 'json') {
          printInfo(JSON.stringify({ error: error.toJSON(), exitCode: ExitCode.refused, line: lineNumber, before: facts }));
          return ExitCode.refused;
        }
        printInfo(`line ${lineNumber}: ${describeThiduaError(error)}`);
        printInfo(`exec stopped at line ${lineNumber} of ${name}: nothing ${options.dryRun ? 'would be' : 'was'} appended for it; before it: ${done}`);
        return ExitCode.refused;
      }
      if (options.format === 'json') {
        await printData(`${JSON.stringify(facts)}\n`);
        return ExitCode.ok;
      }
      const dry = options.dryRun ? ' (--dry-run: nothing appended)' : '';
      await printData(`exec ${name} ${options.dryRun ? 'against' : 'into'} ${description}: ${report.applied + report.alreadyApplied} commands, ${done}${dry}\n`);
      return ExitCode.ok;
    },
    // A dry run on a store that does not exist yet decides against an empty log, and leaves no file behind.
    { removeIfLeftEmpty: true },
  );
}
