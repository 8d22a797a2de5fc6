import { NotFoundError } from '@thidua/eventsourcing';
import { getYearEndStandings, standingsProjection, type ReadAsOf, type YearEndStandings } from '@thidua/projections';
import { renderStandingsHtml, renderStandingsJson, renderStandingsTable, type Provenance } from '@thidua/render';
import { Option, type Command } from 'commander';
import type { ProgressWhen } from '../progress';
import { ExitCode } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { withStores, type OpenedStores } from '../open-store';
import { printInfo, writeData } from '../output';
import { asOfFrom, asOfOptions, describeAsOf, parseYear, provenanceOf, readModels, type AsOfOptions } from './read-as-of';

export { parseAsOf, parseYear } from './read-as-of';

/** Output formats of `standings` and `summary`. */
export const STANDINGS_FORMATS = ['table', 'json', 'html'] as const;
/** One of {@link STANDINGS_FORMATS}. */
export type StandingsFormat = (typeof STANDINGS_FORMATS)[number];

interface StandingsOptions extends GlobalOptions, AsOfOptions {
  bloc: string;
  year: number;
  format: StandingsFormat;
  out?: string;
  wide?: boolean;
}

/** Renders standings in one of the {@link STANDINGS_FORMATS}. */
export function renderStandings(standings: YearEndStandings, format: StandingsFormat, options: { provenance?: Provenance; wide?: boolean } = {}): string {
  switch (format) {
    case 'table':
      return renderStandingsTable(standings, { ...(options.provenance ? { provenance: options.provenance } : {}), wide: options.wide === true });
    case 'json':
      return renderStandingsJson(standings);
    case 'html':
      return renderStandingsHtml(standings, options.provenance ? { provenance: options.provenance } : {});
  }
}

/**
 * Reads the year-end standings of a bloc: the standings read model caught up
 * with the log (and nothing else: it carries its own unit names), or, with
 * `asOf`, the log replayed up to then, leaving the stored read models alone.
 * `unitNames` are the standings' own, for callers that name units.
 */
export async function readStandings(
  stores: OpenedStores,
  query: { blocId: string; year: number; asOf?: ReadAsOf | undefined; progress?: ProgressWhen | undefined },
): Promise<{ standings: YearEndStandings; unitNames: Record<string, string>; provenance: Provenance }> {
  const { blocId, year, asOf } = query;
  const standings = await readModels(stores, { projections: [standingsProjection], asOf, progress: query.progress }, (projectionStore) =>
    getYearEndStandings(projectionStore, { blocId, year }),
  );
  if (!standings) {
    const when = asOf === undefined ? '' : ` as of ${describeAsOf(asOf)}`;
    throw new NotFoundError(`No standings for bloc ${blocId} in ${year}${when}: no such bloc, or no campaign of it that year${asOf === undefined ? '' : ' yet'}`, {
      blocId,
      year,
    });
  }
  return { standings, unitNames: { ...standings.legend.units }, provenance: await provenanceOf(stores.eventStore, asOf) };
}

/** `thidua standings --bloc <id> --year <y> [--as-of …|--as-recorded …] [--format …] [--wide] [--out file]`. */
export function registerStandingsCommand(program: Command, finish: Finish): void {
  const command = program
    .command('standings')
    .description('print the year-end standings of a bloc for a year')
    .requiredOption('--bloc <id>', 'bloc id, e.g. tay-ninh-kinh-te-ky-thuat')
    .requiredOption('--year <year>', 'campaign year, e.g. 2013', parseYear);
  asOfOptions(command)
    .addOption(new Option('--format <format>', 'output format').choices(STANDINGS_FORMATS).default('table'))
    .option('--wide', 'table: one column per criterion in the main table, however wide (default: fit 120 columns)')
    .option('--out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
The standings read model is caught up with the log first. --as-of replays
the log into memory as it stood at a business date (the events' own dates:
a day, or a time with offset); --as-recorded by the store's clock, or up to
a log position (inclusive). A moment before the first event is refused; one
after the last gives today's standings, with a note on stderr.
JSON keys: blocId, blocName, year, campaignId, title, review, chair, deputy,
nextChair, nextDeputy, flag, final, awards, tiers, rows (docs/cli.md lists each).

Examples:
  thidua standings --bloc tay-ninh-kinh-te-ky-thuat --year 2013
  thidua standings --bloc tay-ninh-kinh-te-ky-thuat --year 2013 --format json
  thidua standings --bloc tay-ninh-kinh-te-ky-thuat --year 2013 --as-of 2014-02-12
  thidua standings --bloc tay-ninh-kinh-te-ky-thuat --year 2013 --as-recorded 40
  thidua standings --bloc tay-ninh-kinh-te-ky-thuat --year 2013 --format html --out report.html`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await printStandings(command.optsWithGlobals<StandingsOptions>()));
    });
}

async function printStandings(options: StandingsOptions): Promise<ExitCode> {
  const asOf = asOfFrom(options);
  return withStores(
    options,
    async (stores) => {
      const { standings, provenance } = await readStandings(stores, { blocId: options.bloc, year: options.year, asOf, progress: options.progress });
      await writeReport(renderStandings(standings, options.format, { provenance, wide: options.wide === true }), options.out, `the ${options.format} standings`);
      return ExitCode.ok;
    },
    { readOnly: true },
  );
}

/** Writes a report to `--out` (all or nothing) or stdout. */
export async function writeReport(text: string, out: string | undefined, what: string): Promise<void> {
  await writeData(out, text);
  if (out !== undefined) printInfo(`wrote ${what} to ${out}`);
}
