import { NotFoundError } from '@thidua/eventsourcing';
import { getYearSummary, listAuthorities, standingsProjection, yearSummaryProjection, type YearSummary } from '@thidua/projections';
import { renderYearSummaryHtml, renderYearSummaryJson, renderYearSummaryTable, type Provenance } from '@thidua/render';
import { Option, type Command } from 'commander';
import { ExitCode } from '../exit-codes';
import type { Finish, GlobalOptions } from '../main';
import { withStores } from '../open-store';
import { asOfFrom, asOfOptions, describeAsOf, parseYear, provenanceOf, readModels, type AsOfOptions } from './read-as-of';
import { STANDINGS_FORMATS, writeReport, type StandingsFormat } from './standings';

interface SummaryOptions extends GlobalOptions, AsOfOptions {
  authority: string;
  year: number;
  format: StandingsFormat;
  out?: string;
}

/** Renders a year summary in one of the formats of `standings`. */
export function renderSummary(summary: YearSummary, format: StandingsFormat, provenance?: Provenance): string {
  const options = provenance ? { provenance } : {};
  switch (format) {
    case 'table':
      return renderYearSummaryTable(summary, options);
    case 'json':
      return renderYearSummaryJson(summary);
    case 'html':
      return renderYearSummaryHtml(summary, options);
  }
}

/** `thidua summary --authority <text> --year <y> [--as-of …|--as-recorded …] [--format …] [--out file]`. */
export function registerSummaryCommand(program: Command, finish: Finish): void {
  const command = program
    .command('summary')
    .description("print an authority's year summary: every bloc it established, with chairs, leaders, awards and the council's decisions, classes")
    .requiredOption('--authority <text>', 'the authority as the blocs name it, e.g. "UBND tỉnh Đồng Nai"')
    .requiredOption('--year <year>', 'campaign year, e.g. 2015', parseYear);
  asOfOptions(command)
    .addOption(new Option('--format <format>', 'output format').choices(STANDINGS_FORMATS).default('table'))
    .option('--out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
The year-summary and standings read models are caught up with the log first
(--as-of and --as-recorded replay it into memory, as for standings). Blocs
are those whose authority is the text given (compared after Unicode NFC
normalisation), with a campaign that year, ordered by blocId.
JSON: { authority, year, blocs: [{ blocId, blocName, campaignId, final, chair,
nextChair, leaders, awards: [{ unitId, award, outcome }], tiers }] }.

Examples:
  thidua summary --authority "UBND tỉnh Đồng Nai" --year 2015
  thidua summary --authority "UBND tỉnh Đồng Nai" --year 2015 --format json
  thidua summary --authority "UBND tỉnh Đồng Nai" --year 2015 --format html --out dong-nai-2015.html`,
    )
    .action(async (_options: unknown, command: Command) => {
      finish(await printSummary(command.optsWithGlobals<SummaryOptions>()));
    });
}

async function printSummary(options: SummaryOptions): Promise<ExitCode> {
  const asOf = asOfFrom(options);
  return withStores(
    options,
    async (stores) => {
      const { summary, authorities } = await readModels(
        stores,
        { projections: [yearSummaryProjection, standingsProjection], asOf, progress: options.progress },
        async (projectionStore) => ({
          summary: await getYearSummary(projectionStore, { authority: options.authority, year: options.year }),
          authorities: await listAuthorities(projectionStore),
        }),
      );
      if (!summary) {
        const when = asOf === undefined ? '' : ` as of ${describeAsOf(asOf)}`;
        throw new NotFoundError(
          `No bloc names the authority ${JSON.stringify(options.authority)}${when}; ${authorities.length === 0 ? 'the log has no bloc' : `the log's authorities: ${authorities.map((a) => JSON.stringify(a)).join(', ')}`}`,
          { authority: options.authority },
        );
      }
      const provenance = await provenanceOf(stores.eventStore, asOf);
      await writeReport(renderSummary(summary, options.format, provenance), options.out, `the ${options.format} summary`);
      return ExitCode.ok;
    },
    { readOnly: true },
  );
}
