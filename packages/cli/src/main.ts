import { Command, CommanderError, Option } from 'commander';
import { registerAuditCommand } from './commands/audit';
import { registerDemoCommand } from './commands/demo';
import { registerExecCommand } from './commands/exec';
import { registerExportCommand } from './commands/export';
import { registerImportCommand } from './commands/import';
import { registerProjectionsCommand } from './commands/projections';
import { registerStandingsCommand } from './commands/standings';
import { ExitCode, UsageError } from './exit-codes';
import { describeError, printInfo } from './output';
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

/** Builds the `thidua` program; `finish` receives each action's exit code. */
export function createProgram(finish: Finish): Command {
  const program = new Command('thidua');
  program
    .description('Event-sourced emulation campaigns (thi đua – khen thưởng): run commands, import and export the log, read standings, audit.')
    .addOption(
      new Option('--store <url>', 'event store URL (see below)').env('THIDUA_STORE').default(DEFAULT_STORE_URL),
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
      `\nStore URLs (--store, or the THIDUA_STORE environment variable):\n${ACCEPTED_STORE_FORMS.map((form) => `  ${form}`).join('\n')}\n\nExit codes: 0 ok, 1 refused or unsound, 2 usage error.`,
    )
    .showSuggestionAfterError(true)
    // Commander exits by itself (code 1 on usage errors); we need 2, and to close stores first.
    .exitOverride();

  registerDemoCommand(program, finish);
  registerExecCommand(program, finish);
  registerImportCommand(program, finish);
  registerExportCommand(program, finish);
  registerStandingsCommand(program, finish);
  registerAuditCommand(program, finish);
  registerProjectionsCommand(program, finish);
  return program;
}

/**
 * Runs `thidua` with the given arguments (without `node` and the script) and
 * resolves with the exit code; it never throws and never exits the process.
 */
export async function main(args: readonly string[] = process.argv.slice(2)): Promise<ExitCode> {
  let code: ExitCode = ExitCode.ok;
  const program = createProgram((result) => {
    code = result;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UsageError) {
      printInfo(`error: ${error.message}`);
      return ExitCode.usage;
    }
    const debug = program.opts<GlobalOptions>().debug === true || args.includes('--debug');
    printInfo(describeError(error, debug));
    return ExitCode.refused;
  }
}
