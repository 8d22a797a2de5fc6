import {
  addPoints,
  ASSESSORS,
  chairForYear,
  compareUnitIds,
  deputyForYear,
  fromHundredths,
  pledgeTotal,
  rankByScore,
  toHundredths,
  type ScoreLike,
} from '@thidua/domain';
import { own, put } from '../records';
import type { StandingsBlocDoc, StandingsCampaignDoc, StandingsLegend, StandingsPledgeDoc, StandingsRow, YearEndStandings } from './standings.types';

/**
 * Assembles the standings from a bloc document and the campaign document of
 * the year. Pure: totals come from the domain's `pledgeTotal` (integer
 * hundredths), provisional ranks from its `rankByScore` — the same rules
 * `AssignRanks` applies.
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

  const unscored: Record<string, string[]> = {};
  const rows = totals.map(({ pledge, total }): StandingsRow => {
    const assigned = ranking === null || pledge.status !== 'active' ? undefined : own(ranking.ranks, pledge.unitId);
    const rank = ranking === null ? (provisional.get(pledge.unitId) ?? null) : (assigned ?? null);
    put(unscored, pledge.unitId, campaign.criterionIds.filter((criterionId) => own(pledge.scores, criterionId) === undefined));
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
      tier: campaign.classification === null ? null : (own(campaign.classification, pledge.unitId) ?? null),
      groups: groupSubtotals(campaign, total.criteria),
      decisions: { ...(own(campaign.decisions, pledge.unitId) ?? {}) },
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
    awards: campaign.catalogue.map(({ awardId, title, kind, quota }) => ({ awardId, title, kind, quota })),
    tiers: campaign.tiers.map(({ tierId, title }) => ({ tierId, title })),
    rows,
    legend: legendOf(bloc, campaign, unscored),
  };
}

/** groupId → Σ effective points of its criteria, in hundredths then points; every declared group, in order. */
function groupSubtotals(campaign: StandingsCampaignDoc, criteria: Readonly<Record<string, number>>): Record<string, number> {
  const subtotals: Record<string, number> = {};
  if (campaign.groups.length === 0) return subtotals;
  const hundredths = new Map<string, number>(campaign.groups.map((group) => [group.groupId, 0]));
  for (const criterion of campaign.criteria) {
    if (criterion.groupId === undefined) continue;
    hundredths.set(criterion.groupId, (hundredths.get(criterion.groupId) ?? 0) + toHundredths(criteria[criterion.criterionId] ?? 0));
  }
  for (const [groupId, sum] of hundredths) put(subtotals, groupId, fromHundredths(sum));
  return subtotals;
}

function legendOf(bloc: StandingsBlocDoc, campaign: StandingsCampaignDoc, unscored: Record<string, string[]>): StandingsLegend {
  const maxPoints = (groupId: string) => addPoints(0, ...campaign.criteria.filter((criterion) => criterion.groupId === groupId).map((criterion) => criterion.maxPoints));
  return {
    units: { ...bloc.units },
    criteria: campaign.criteria.map(({ criterionId, title, maxPoints: max, groupId }) => ({ criterionId, title, maxPoints: max, groupId: groupId ?? null })),
    groups: campaign.groups.map(({ groupId, title }) => ({ groupId, title, maxPoints: maxPoints(groupId) })),
    bonusCap: campaign.bonusCap,
    maxTotal: addPoints(campaign.bonusCap, ...campaign.criteria.map((criterion) => criterion.maxPoints)),
    unscored,
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
