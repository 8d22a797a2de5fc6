import { ASSESSORS, chairForYear, compareUnitIds, deputyForYear, pledgeTotal, rankByScore, type ScoreLike } from '@thidua/domain';
import { own } from '../records';
import type { StandingsBlocDoc, StandingsCampaignDoc, StandingsPledgeDoc, StandingsRow, YearEndStandings } from './standings.types';

/**
 * Assembles the standings of DESIGN §4 from a bloc document and the
 * campaign document of the year. Pure: totals come from the domain's
 * `pledgeTotal` (integer hundredths), provisional ranks from its
 * `rankByScore` — the same rules `AssignRanks` applies.
 *
 * Ranks: once a ranking is assigned its ranks are shown (`provisional:
 * false`, its basis); before that, active pledges get the rank basis `score`
 * would give them now (`provisional: true`). Withdrawn and disqualified
 * pledges have no rank and come last.
 *
 * Chairs and deputies follow the domain's lookups: the flag stays with its
 * holder until handed on (so `nextChair` is the current holder until a
 * transfer for next year names another), a deputy serves exactly its term.
 */
export function buildYearEndStandings(bloc: StandingsBlocDoc, campaign: StandingsCampaignDoc): YearEndStandings {
  const year = campaign.year;
  const totals = Object.values(campaign.pledges).map((pledge) => ({
    pledge,
    total: pledgeTotal({
      criterionIds: campaign.criterionIds,
      bonusCap: campaign.bonusCap,
      scores: scoreList(pledge.scores),
      adjustments: pledge.adjustments,
    }),
  }));

  const ranking = campaign.ranking;
  const provisional = new Map<string, number>();
  if (ranking === null) {
    const active = totals.filter(({ pledge }) => pledge.status === 'active');
    for (const row of rankByScore(active.map(({ pledge, total }) => ({ unitId: pledge.unitId, total: total.total })))) {
      provisional.set(row.unitId, row.rank);
    }
  }

  const rows = totals.map(({ pledge, total }): StandingsRow => {
    const assigned = ranking === null || pledge.status !== 'active' ? undefined : own(ranking.ranks, pledge.unitId);
    const rank = ranking === null ? (provisional.get(pledge.unitId) ?? null) : (assigned ?? null);
    return {
      rank,
      provisional: ranking === null && rank !== null,
      unitId: pledge.unitId,
      unitName: own(bloc.units, pledge.unitId) ?? pledge.unitId,
      // Spread: pledgeTotal returns a prototype-free record; readers hand out plain JSON objects.
      criteria: { ...total.criteria },
      bonus: total.bonus,
      deduction: total.deduction,
      total: total.total,
      status: pledge.status,
      awards: [...(own(campaign.awards, pledge.unitId) ?? [])],
      basis: rank === null ? null : (ranking?.basis ?? 'score'),
    };
  });
  rows.sort((a, b) => {
    if (a.rank !== b.rank) {
      if (a.rank === null) return 1;
      if (b.rank === null) return -1;
      return a.rank - b.rank;
    }
    return compareUnitIds(a.unitId, b.unitId);
  });

  const transferToNext = bloc.transfers.find((transfer) => transfer.termYear === year + 1) ?? null;
  return {
    blocId: bloc.blocId,
    blocName: bloc.blocName,
    year,
    campaignId: campaign.campaignId,
    title: campaign.title,
    review: campaign.review === null ? null : { ...campaign.review },
    chair: chairForYear(bloc.transfers, year),
    deputy: deputyForYear(bloc.deputies, year),
    nextChair: chairForYear(bloc.transfers, year + 1),
    nextDeputy: deputyForYear(bloc.deputies, year + 1),
    flag: transferToNext === null ? null : { fromUnitId: transferToNext.fromUnitId, toUnitId: transferToNext.toUnitId },
    final: campaign.closed,
    rows,
  };
}

/** A pledge document's scores as the domain's scoring functions take them: one per criterion and level. */
function scoreList(scores: StandingsPledgeDoc['scores']): ScoreLike[] {
  const list: ScoreLike[] = [];
  for (const [criterionId, levels] of Object.entries(scores)) {
    for (const assessor of ASSESSORS) {
      const points = levels[assessor];
      if (points !== undefined) list.push({ criterionId, points, assessor });
    }
  }
  return list;
}
