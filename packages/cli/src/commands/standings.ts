import { NotFoundError, type AsOf } from '@thidua/eventsourcing';
import {
  getChairHistory,
  getYearEndStandings,
  getYearEndStandingsAsOf,
  renderStandingsHtml,
  renderStandingsJson,
  renderStandingsTable,
  type YearEndStandings,
} from '@thidua/projections';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { catchUpReadModels } from '../catch-up';
import type { ProgressWhen } from '../progress';
import { ExitCode, UsageError } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { withStores, type OpenedStores } from '../open-store';
import { openDataSink, printInfo } from '../output';

/** Output formats of `standings`. */
export const STANDINGS_FORMATS = ['table', 'json', 'html'] as const;
/** One of {@link STANDINGS_FORMATS}. */
export type StandingsFormat = (typeof STANDINGS_FORMATS)[number];

interface StandingsOptions extends GlobalOptions {
  bloc: string;
  year: number;
  asOf?: string;
  format: StandingsFormat;
  out?: string;
}

/**
 * `--as-of`: a bare integer is a log position, anything else an ISO-8601
 * instant (compared with the store's `recordedAt`).
 */
export function parseAsOf(value: string): AsOf {
  if (/^[0-9]+$/.test(value)) return { position: BigInt(value) };
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UsageError(
      `--as-of ${JSON.stringify(value)}: expected a log position (an integer such as 42) or an ISO-8601 time such as 2014-02-13T00:00:00+07:00`,
    );
  }
  return { recordedAt: value };
}

/** Parses `--year`: a four-digit year (commander reports a bad one as a usage error). */
export function parseYear(value: string): number {
  if (!/^[0-9]{4}$/.test(value)) throw new InvalidArgumentError('expected a four-digit year such as 2013');
  return Number(value);
}

/** Renders standings in one of the {@link STANDINGS_FORMATS}. */
export function renderStandings(standings: YearEndStandings, format: StandingsFormat, unitNames: Record<string, string> = {}): string {
  switch (format) {
    case 'table':
      return renderStandingsTable(standings, { unitNames });
    case 'json':
      return renderStandingsJson(standings);
    case 'html':
      return renderStandingsHtml(standings, { unitNames });
  }
}

/**
 * Names of the units a bloc's chair-flag history knows, for those that have
 * no row in the standings (a next chair that signed no pledge, say).
 */
export async function unitNamesOf(stores: OpenedStores, blocId: string): Promise<Record<string, string>> {
  const history = await getChairHistory(await stores.projectionStore(), { blocId });
  const names: Record<string, string> = {};
  for (const transfer of history?.transfers ?? []) {
    names[transfer.toUnitId] = transfer.toUnitName;
    if (transfer.fromUnitId !== null && transfer.fromUnitName !== null) names[transfer.fromUnitId] = transfer.fromUnitName;
  }
  for (const deputy of history?.deputies ?? []) names[deputy.unitId] = deputy.unitName;
  return names;
}

/**
 * Reads the year-end standings of a bloc through the projection readers,
 * after catching every projection up with the log; with `asOf`, replays the
 * log up to then instead, leaving the stored read models alone.
 */
export async function readStandings(
  stores: OpenedStores,
  query: { blocId: string; year: number; asOf?: AsOf | undefined; progress?: ProgressWhen | undefined },
): Promise<{ standings: YearEndStandings; unitNames: Record<string, string> }> {
  const { blocId, year, asOf } = query;
  let standings: YearEndStandings | null;
  let unitNames: Record<string, string> = {};
  if (asOf === undefined) {
    const projectionStore = await stores.projectionStore();
    await catchUpReadModels(stores.eventStore, projectionStore, query.progress);
    standings = await getYearEndStandings(projectionStore, { blocId, year });
    unitNames = await unitNamesOf(stores, blocId);
  } else {
    standings = await getYearEndStandingsAsOf({ eventStore: stores.eventStore, blocId, year, asOf });
  }
  if (!standings) {
    const when = asOf === undefined ? '' : ` as of ${'position' in asOf ? `position ${asOf.position}` : String(asOf.recordedAt)}`;
    throw new NotFoundError(`No standings for bloc ${blocId} in ${year}${when}: no such bloc, or no campaign of it that year`, {
      blocId,
      year,
    });
  }
  return { standings, unitNames };
}

/** `thidua standings --bloc <id> --year <y> [--as-of …] [--format …] [--out file]`. */
export function registerStandingsCommand(program: Command, finish: Finish): void {
  program
    .command('standings')
    .description('print the year-end standings of a bloc for a year')
    .requiredOption('--bloc <id>', 'bloc id, e.g. tay-ninh-kinh-te-ky-thuat')
    .requiredOption('--year <year>', 'campaign year, e.g. 2013', parseYear)
    .option('--as-of <iso|position>', 'the standings as they were then: a log position (integer) or an ISO-8601 time')
    .addOption(new Option('--format <format>', 'output format').choices(STANDINGS_FORMATS).default('table'))
    .option('--out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
The projections are caught up with the log first. --as-of replays the log up
to a position (inclusive) or a recordedAt time into memory instead.
JSON keys: blocId, blocName, year, campaignId, title, review, chair, deputy,
nextChair, nextDeputy, flag, final, rows (docs/cli.md lists each).

Examples:
  thidua standings --bloc tay-ninh-kinh-te-ky-thuat --year 2013
  thidua standings --bloc tay-ninh-kinh-te-ky-thuat --year 2013 --format json
  thidua standings --bloc tay-ninh-kinh-te-ky-thuat --year 2013 --as-of 40
  thidua standings --bloc tay-ninh-kinh-te-ky-thuat --year 2013 --format html --out report.html`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await printStandings(command.optsWithGlobals<StandingsOptions>()));
    });
}

async function printStandings(options: StandingsOptions): Promise<ExitCode> {
  const asOf = options.asOf === undefined ? undefined : parseAsOf(options.asOf);
  return withStores(options, async (stores) => {
    const { standings, unitNames } = await readStandings(stores, { blocId: options.bloc, year: options.year, asOf, progress: options.progress });
    const sink = openDataSink(options.out);
    try {
      await sink.write(renderStandings(standings, options.format, unitNames));
      await sink.close();
    } catch (error) {
      await sink.discard();
      throw error;
    }
    if (options.out !== undefined) printInfo(`wrote the ${options.format} standings to ${options.out}`);
    return ExitCode.ok;
  }, { readOnly: true });
}
