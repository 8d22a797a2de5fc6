import Table from 'cli-table3';
import type { YearSummary, YearSummaryBloc } from '@thidua/projections';
import type { Provenance } from './format';

/** Options of the year-summary renderers. */
export interface RenderYearSummaryOptions {
  /** Where the report comes from. */
  provenance?: Provenance;
}

const OUTCOMES = { granted: 'granted', declined: 'declined' } as const;

/** Names and titles of one bloc of the summary, by id when unknown. */
export function blocNamer(summary: YearSummary, bloc: YearSummaryBloc) {
  const lookup = (map: Record<string, Record<string, string>>, id: string) => (Object.prototype.hasOwnProperty.call(map, bloc.blocId) ? map[bloc.blocId]?.[id] : undefined) ?? id;
  return {
    unit: (unitId: string | null) => (unitId === null ? '—' : lookup(summary.legend.units, unitId)),
    award: (awardId: string) => lookup(summary.legend.awards, awardId),
    tier: (tierId: string) => lookup(summary.legend.tiers, tierId),
  };
}

/**
 * Renders the year summary of an authority as plain text: one block per
 * bloc (its chair and next chair, leaders, classes, and a table of the
 * awards proposed with the council's outcome), under 120 columns.
 */
export function renderYearSummaryTable(summary: YearSummary, options: RenderYearSummaryOptions = {}): string {
  const lines = [`${summary.authority} — ${summary.year}: ${summary.blocs.length} bloc${summary.blocs.length === 1 ? '' : 's'} with a campaign`];
  for (const bloc of summary.blocs) {
    const name = blocNamer(summary, bloc);
    lines.push(
      '',
      `${bloc.blocName} (${bloc.blocId}) — ${bloc.campaignId}${bloc.final ? ', final' : ', not closed yet'}`,
      `  Chair ${summary.year}: ${name.unit(bloc.chair)}; chair ${summary.year + 1}: ${name.unit(bloc.nextChair)}`,
      `  Leaders (rank 1): ${bloc.leaders.length > 0 ? bloc.leaders.map(name.unit).join(', ') : 'not ranked yet'}`,
      `  Classes: ${Object.keys(bloc.tiers).length > 0 ? Object.entries(bloc.tiers).map(([tierId, count]) => `${name.tier(tierId)} ${count}`).join(', ') : 'none'}`,
    );
    if (bloc.awards.length === 0) {
      lines.push('  Awards: none proposed');
      continue;
    }
    const table = new Table({
      head: ['Unit', 'Award', 'Decision'],
      colWidths: [44, 50, 14],
      wordWrap: true,
      style: { head: [], border: [], compact: true },
    });
    for (const award of bloc.awards) table.push([name.unit(award.unitId), name.award(award.award), award.outcome === null ? 'pending' : OUTCOMES[award.outcome]]);
    lines.push(...table.toString().split('\n').map((line) => `  ${line}`));
  }
  if (summary.blocs.length === 0) lines.push('(no bloc of this authority ran a campaign that year)');
  if (options.provenance) {
    const p = options.provenance;
    lines.push('', `Source: generated ${p.generatedAt}; log position ${p.position ?? 'none (empty log)'}${p.headHash ? `; head hash ${p.headHash}` : ''}${p.asOf ? `; as of ${p.asOf}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
