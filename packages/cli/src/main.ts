import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { registerAuditCommand } from './commands/audit';
import { registerDemoCommand } from './commands/demo';
import { registerExecCommand } from './commands/exec';
import { registerExportCommand } from './commands/export';
import { registerImportCommand } from './commands/import';
import { registerListCommand } from './commands/list';
import { registerProjectionsCommand } from './commands/projections';
import { registerStandingsCommand } from './commands/standings';
import { registerSummaryCommand } from './commands/summary';
import { ExitCode } from './exit-codes';
import { currentIo, processIo, runWithIo, type CliIo } from './io';
import { exitCodeOf, reportError, wantsJson } from './report-error';
import { PROGRESS_WHEN, type ProgressWhen } from './progress';
import { ACCEPTED_STORE_FORMS, DEFAULT_STORE_URL } from './store-url';

/** Options every command accepts (declared once on the program). */
export interface GlobalOptions {
  store: string;
  projections?: string;
  debug?: boolean;
  progress?: ProgressWhen;
}

/** What a command's action reports back: the process exit code. */
export type Finish = (code: ExitCode) => void;

/** The version of this package, as `thidua --version` prints it. */
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** How {@link createProgram} reports. */
export interface ProgramOptions {
  /** Leave usage errors to the caller instead of printing them (`main` prints them as JSON under `--format json`). */
  quietErrors?: boolean;
}

/** Builds the `thidua` program; `finish` receives each action's exit code. */
export function createProgram(finish: Finish, options: ProgramOptions = {}): Command {
  const program = new Command('thidua');
  program
    .description('Event-sourced emulation campaigns (thi đua – khen thưởng): run commands, import and export the log, read standings, audit.')
    .version(CLI_VERSION, '-V, --version', 'print the version of thidua')
    .addOption(
      new Option('--store <url>', 'event store URL (see thidua --help)').env('THIDUA_STORE').default(DEFAULT_STORE_URL),
    )
    .addOption(
      new Option(
        '--projections <url>',
        'where projection documents live: sqlite:<path> | postgres://… | memory: (default: the event store\'s own database; sqlite:./thidua-projections.db for EventStoreDB)',
      ),
    )
    .addOption(
      new Option('--progress <when>', 'progress of long work on stderr: auto (once a step takes over a second), always, never')
        .choices(PROGRESS_WHEN)
        .env('THIDUA_PROGRESS')
        .default('auto'),
    )
    .option('--debug', 'print stack traces of unexpected errors')
    .addHelpText(
      'after',
      `\nStore URLs (--store, or the THIDUA_STORE environment variable):\n${ACCEPTED_STORE_FORMS.map((form) => `  ${form}`).join('\n')}\n\nExit codes: 0 done or sound, 1 refused or unsound, 2 usage error, 3 store unavailable.`,
    )
    // Every subcommand's help lists the options above too: a user reading `thidua import --help` needs --store.
    .configureHelp({ showGlobalOptions: true })
    // Output goes to the current run's streams (a test's, or the process's), never straight to process.stdout.
    .configureOutput({
      writeOut: (text) => currentIo().stdout.write(text),
      writeErr: (text) => currentIo().stderr.write(text),
      outputError: (text, write) => {
        if (options.quietErrors !== true) write(text);
      },
    })
    .showSuggestionAfterError(true)
    // Commander exits by itself (code 1 on usage errors); we need 2, and to close stores first.
    .exitOverride();

  registerDemoCommand(program, finish);
  registerListCommand(program, finish);
  registerExecCommand(program, finish);
  registerImportCommand(program, finish);
  registerExportCommand(program, finish);
  registerStandingsCommand(program, finish);
  registerSummaryCommand(program, finish);
  registerAuditCommand(program, finish);
  registerProjectionsCommand(program, finish);
  return program;
}

/**
 * Runs `thidua` with the given arguments (without `node` and the script) and
 * resolves with the exit code; it never throws and never exits the process.
 * `io` are the streams the run reads and writes: the process's own by
 * default; a test passes its own to capture the output.
 *
 * @example
 * const code = await main(['--store', 'memory:', 'demo']); // 0
 */
export async function main(args: readonly string[] = process.argv.slice(2), io: CliIo = processIo()): Promise<ExitCode> {
  return runWithIo(io, async () => {
    let code: ExitCode = ExitCode.ok;
    // With --format json, a usage error is reported once, as JSON, below, not by commander.
    const json = wantsJson(args);
    const program = createProgram(
      (result) => {
        code = result;
      },
      { quietErrors: json },
    );
    try {
      await program.parseAsync([...args], { from: 'user' });
      return code;
    } catch (error) {
      if (error instanceof CommanderError && error.exitCode === 0) return ExitCode.ok; // --help, --version
      const debug = program.opts<GlobalOptions>().debug === true || args.includes('--debug');
      reportError(error, { debug, json, printedByCommander: !json });
      return exitCodeOf(error);
    }
  });
}
