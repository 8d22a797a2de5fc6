import { resolve } from 'node:path';
import { BLOC_ID, runTayNinh2013 } from '@thidua/domain/demo';
import { createThiduaProjections, type YearEndStandings } from '@thidua/projections';
import { renderStandingsHtml, renderStandingsTable } from '@thidua/render';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { removeSqliteDatabase, withStores } from '../open-store';
import { plural, printData, printInfo, writeData } from '../output';
import { DEFAULT_STORE_URL, parseStoreUrl } from '../store-url';
import { readStandings } from './standings';

/** The year of the Tây Ninh case. */
const DEMO_YEAR = 2013;

interface DemoOptions extends GlobalOptions {
  report: string;
}

/** `thidua demo`. */
export function registerDemoCommand(program: Command, finish: Finish): void {
  program
    .command('demo')
    .description('run the Tây Ninh 2013 case: recreate the store, drive the case, build the projections, print the standings')
    .option('--report <file>', 'where to write the HTML report', `./thidua-report-${DEMO_YEAR}.html`)
    .addHelpText(
      'after',
      `
With an SQLite store (the default, sqlite:./thidua.db) the file named by
--store and its -wal/-shm files are DELETED first, then recreated. Other
stores are written as they are (the case's commands are idempotent). The
store is left in place for the other commands.

Examples:
  thidua demo
  thidua standings --bloc ${BLOC_ID} --year ${DEMO_YEAR}
  thidua --store memory: demo`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await runDemo(command.optsWithGlobals<DemoOptions>()));
    });
}

/** The facts of the year, by unit name and id, for the lines under the table. */
function facts(standings: YearEndStandings, unitNames: Record<string, string>): string[] {
  const names = new Map(Object.entries(unitNames));
  for (const row of standings.rows) names.set(row.unitId, row.unitName);
  const unit = (unitId: string | null) => (unitId === null ? '—' : `${names.get(unitId) ?? unitId} (${unitId})`);
  const next = standings.year + 1;
  return [
    `Facts of ${standings.year}, from the log:`,
    `  chair ${standings.year}:   ${unit(standings.chair)}`,
    `  deputy ${standings.year}:  ${unit(standings.deputy)}`,
    `  chair ${next}:   ${unit(standings.nextChair)}`,
    `  deputy ${next}:  ${unit(standings.nextDeputy)}`,
    `  chair flag:   ${standings.flag ? `${unit(standings.flag.fromUnitId)} → ${unit(standings.flag.toUnitId)}` : 'not transferred'}`,
  ];
}

/** What to try next: the store stays, unless it lived in this process. */
function nextSteps(url: string, description: string, inMemory: boolean): string[] {
  if (inMemory) return ['The memory: store ends with this command; run thidua demo without --store to keep an SQLite one.', ''];
  const store = url === DEFAULT_STORE_URL ? '' : ` --store ${description}`;
  return [
    'The store is kept; try:',
    `  thidua${store} standings --bloc ${BLOC_ID} --year ${DEMO_YEAR} --format json`,
    `  thidua${store} audit trail --stream bloc-${BLOC_ID}`,
    `  thidua${store} audit verify`,
    '',
  ];
}

async function runDemo(options: DemoOptions): Promise<ExitCode> {
  const store = parseStoreUrl(options.store);
  if (store.kind === 'sqlite') await removeSqliteDatabase(store.path);
  return withStores(options, async (stores) => {
    printInfo(`thidua demo: the Tây Ninh ${DEMO_YEAR} case into ${stores.description}${store.kind === 'sqlite' ? ' (recreated)' : ''}`);
    const run = await runTayNinh2013(stores.eventStore);
    printInfo(`  ${plural(run.commands, 'command')}, ${plural(run.eventsAppended, 'event')} appended`);

    // A rebuild, not a catch-up: projections kept elsewhere (--projections) may hold an older log's documents.
    const projectionStore = await stores.projectionStore();
    await createThiduaProjections({ eventStore: stores.eventStore, projectionStore }).rebuild();
    const { standings, unitNames } = await readStandings(stores, { blocId: BLOC_ID, year: DEMO_YEAR, progress: options.progress });

    await writeData(options.report, renderStandingsHtml(standings, { unitNames }));

    await printData(
      [
        renderStandingsTable(standings, { unitNames }).trimEnd(),
        '',
        ...facts(standings, unitNames),
        '',
        `HTML report: ${resolve(options.report)}`,
        '',
        ...nextSteps(options.store, stores.description, store.kind === 'memory'),
      ].join('\n'),
    );
    return ExitCode.ok;
  });
}
