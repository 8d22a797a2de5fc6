import { createThiduaProjections, thiduaProjections } from '@thidua/projections';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { withStores } from '../open-store';
import { printData } from '../output';
import { createProgressReporter } from '../progress';

interface RebuildOptions extends GlobalOptions {
  name?: string;
}

/** `thidua projections rebuild [--name <projection>]`. */
export function registerProjectionsCommand(program: Command, finish: Finish): void {
  const names = thiduaProjections.map((projection) => projection.name);
  const projections = program.command('projections').description('manage the read models');
  projections
    .command('rebuild')
    .description('replay the whole log into one projection, or all of them')
    .option('--name <projection>', `only this projection: ${names.join(' | ')}`)
    .addHelpText(
      'after',
      `
Each projection is rebuilt beside its live documents and swapped in when
caught up, so readers never see a half-built read model. Progress is a bar
with rate and ETA on a terminal, plain lines otherwise.

Examples:
  thidua projections rebuild
  thidua --store postgres://localhost/thidua projections rebuild --name standings`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await rebuild(command.optsWithGlobals<RebuildOptions>(), names));
    });
}

async function rebuild(options: RebuildOptions, names: readonly string[]): Promise<ExitCode> {
  if (options.name !== undefined && !names.includes(options.name)) {
    throw new UsageError(`--name ${JSON.stringify(options.name)}: no such projection; known: ${names.join(', ')}`);
  }
  const selected = options.name === undefined ? names : [options.name];
  return withStores(options, async (stores) => {
    const projections = createThiduaProjections({ eventStore: stores.eventStore, projectionStore: await stores.projectionStore() });
    const lines: string[] = [];
    for (const name of selected) {
      const reporter = createProgressReporter(`rebuild ${name}`, { when: options.progress });
      const [progress] = await projections.rebuild(name, (update) => reporter.update(update));
      if (progress) {
        reporter.finish(progress);
        lines.push(`${name}: rebuilt, checkpoint ${progress.checkpoint ?? 'none'} (${progress.processed} events applied)`);
      }
    }
    await printData(`${lines.join('\n')}\n`);
    return ExitCode.ok;
  }, { readOnly: true });
}
