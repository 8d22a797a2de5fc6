import { compareUnitIds } from '@thidua/domain';
import { put } from '../records';
import type { YearEndStandings } from '../standings/standings.types';
import type { YearSummary, YearSummaryBloc } from './year-summary.types';

/** One bloc's line of the summary, from its standings of the year. */
export function summariseBloc(standings: YearEndStandings): YearSummaryBloc {
  const tiers: Record<string, number> = {};
  for (const tier of standings.tiers) {
    const count = standings.rows.filter((row) => row.tier === tier.tierId).length;
    if (count > 0) put(tiers, tier.tierId, count);
  }
  return {
    blocId: standings.blocId,
    blocName: standings.blocName,
    campaignId: standings.campaignId,
    final: standings.final,
    chair: standings.chair,
    nextChair: standings.nextChair,
    // Ranked by the ranking in force: a provisional rank is no leader yet.
    leaders: standings.rows
      .filter((row) => row.rank === 1 && !row.provisional)
      .map((row) => row.unitId)
      .sort(compareUnitIds),
    awards: standings.rows
      .flatMap((row) => row.awards.map((award) => ({ unitId: row.unitId, award, outcome: Object.prototype.hasOwnProperty.call(row.decisions, award) ? row.decisions[award]!.outcome : null })))
      .sort((a, b) => compareUnitIds(a.unitId, b.unitId) || compareUnitIds(a.award, b.award)),
    tiers,
  };
}

/** The summary of an authority's year from the standings of its blocs, ordered by blocId. */
export function buildYearSummary(authority: string, year: number, standings: readonly YearEndStandings[]): YearSummary {
  const sorted = [...standings].sort((a, b) => compareUnitIds(a.blocId, b.blocId));
  const legend: YearSummary['legend'] = { units: {}, awards: {}, tiers: {} };
  for (const bloc of sorted) {
    put(legend.units, bloc.blocId, { ...bloc.legend.units });
    put(legend.awards, bloc.blocId, Object.fromEntries(bloc.awards.map((award) => [award.awardId, award.title])));
    put(legend.tiers, bloc.blocId, Object.fromEntries(bloc.tiers.map((tier) => [tier.tierId, tier.title])));
  }
  return { authority, year, blocs: sorted.map(summariseBloc), legend };
}
