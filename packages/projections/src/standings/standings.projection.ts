import { awardCatalogue, startsNewRanking } from '@thidua/domain';
import { blocIds, blocKey, campaignIds, campaignKey, pledgeIds, thiduaProjection, updateBloc, updateCampaign, updatePledge } from '../documents';
import { own, put } from '../records';
import type { RecordedThiduaEventOf } from '../thidua-event';
import type { StandingsBlocDoc, StandingsCampaignDoc, StandingsDoc, StandingsPledgeDoc } from './standings.types';

/** Name of the year-end standings projection in the projection store. */
export const STANDINGS_PROJECTION = 'standings';

// The hot paths of a rebuild (scores, ranks) change documents through module functions, which allocate
// nothing per event; rarer events use short closures.

function rankIn(doc: StandingsCampaignDoc, e: RecordedThiduaEventOf<'RankAssigned'>): void {
  const current = doc.ranking;
  // All of one AssignRanks is one atomic append, so its RankAssigned
  // events sit at consecutive revisions of the campaign stream: the
  // previous campaign event was a RankAssigned exactly when this one
  // follows the ranking's last revision. The domain's own rule then says
  // whether it continues that ranking or starts one that replaces it whole.
  const lastWasRank = current !== null && BigInt(current.lastRevision) + 1n === e.revision;
  const ranking =
    current !== null && !startsNewRanking(lastWasRank, Object.keys(current.ranks), e.data.unitId)
      ? current
      : { basis: e.data.basis, assignedAt: e.data.assignedAt, position: e.position.toString(), lastRevision: '', ranks: {} };
  ranking.lastRevision = e.revision.toString();
  put(ranking.ranks, e.data.unitId, e.data.rank);
  doc.ranking = ranking;
}

/**
 * Records a score: its points replace the earlier ones of that criterion and
 * level (only the latest counts, the domain's rule), in place, so a rebuild
 * allocates nothing for a score that replaces another.
 */
function scoreIn(pledge: StandingsPledgeDoc, e: RecordedThiduaEventOf<'ScoreRecorded'>): void {
  const levels = own(pledge.scores, e.data.criterionId);
  if (levels === undefined) put(pledge.scores, e.data.criterionId, { [e.data.assessor]: e.data.points });
  else levels[e.data.assessor] = e.data.points;
}

/**
 * Year-end standings, kept as one document per bloc (`bloc:<blocId>`: name,
 * unit names, flag transfers, deputies, campaign per year) and one per
 * campaign (`campaign:<campaignId>`: title, criteria, review, pledges with
 * their recorded scores and adjustments, the ranking in force, awards).
 * `getYearEndStandings` assembles the standings from the two, computing
 * totals and provisional ranks with the domain's own `pledgeTotal` and
 * `rankByScore`.
 */
export const standingsProjection = thiduaProjection<StandingsDoc>({
  name: STANDINGS_PROJECTION,
  // v2: pledges keep only the latest score of each criterion and level.
  // v3: kept as criterionId → level → points instead of a list of scores.
  // v4: criteria titles and groups, the award catalogue, tiers, the classification and the council's decisions.
  version: 4,
  on: {
    BlocEstablished: {
      ids: blocIds,
      evolve: (docs, e) => docs.set(blocKey(e.data.blocId), { blocId: e.data.blocId, blocName: e.data.name, units: {}, transfers: [], deputies: [], campaigns: {} }),
    },
    MemberAdmitted: {
      ids: blocIds,
      evolve: (docs, e) => updateBloc(docs, e, (doc: StandingsBlocDoc) => put(doc.units, e.data.unitId, e.data.unitName)),
    },
    ChairFlagTransferred: {
      ids: blocIds,
      evolve: (docs, e) =>
        updateBloc(docs, e, (doc: StandingsBlocDoc) => void doc.transfers.push({ termYear: e.data.termYear, fromUnitId: e.data.fromUnitId, toUnitId: e.data.toUnitId })),
    },
    DeputyChairElected: {
      ids: blocIds,
      evolve: (docs, e) => updateBloc(docs, e, (doc: StandingsBlocDoc) => void doc.deputies.push({ termYear: e.data.termYear, unitId: e.data.unitId })),
    },
    CampaignLaunched: {
      ids: (e) => [campaignKey(e.data.campaignId), blocKey(e.data.blocId)],
      evolve(docs, e) {
        updateBloc(docs, e, (doc: StandingsBlocDoc) => put(doc.campaigns, String(e.data.year), e.data.campaignId));
        docs.set(campaignKey(e.data.campaignId), {
          campaignId: e.data.campaignId,
          blocId: e.data.blocId,
          year: e.data.year,
          title: e.data.title,
          criterionIds: e.data.criteria.map((criterion) => criterion.criterionId),
          bonusCap: e.data.bonusCap,
          review: null,
          closed: false,
          pledges: {},
          ranking: null,
          awards: {},
          criteria: e.data.criteria.map(({ criterionId, title, maxPoints, groupId }) => ({ criterionId, title, maxPoints, ...(groupId === undefined ? {} : { groupId }) })),
          groups: (e.data.groups ?? []).map(({ groupId, title }) => ({ groupId, title })),
          catalogue: awardCatalogue(e.data),
          tiers: (e.data.tiers ?? []).map(({ tierId, title }) => ({ tierId, title })),
          classification: null,
          decisions: {},
        });
      },
    },
    ReviewHeld: {
      ids: campaignIds,
      evolve(docs, e) {
        if (e.data.kind !== 'year-end') return;
        updateCampaign(docs, e, (doc: StandingsCampaignDoc) => void (doc.review = { heldAt: e.data.heldAt, hostUnitId: e.data.hostUnitId }));
      },
    },
    RankAssigned: { ids: campaignIds, evolve: (docs, e) => updateCampaign(docs, e, rankIn) },
    AwardProposed: {
      ids: campaignIds,
      evolve: (docs, e) =>
        updateCampaign(docs, e, (doc: StandingsCampaignDoc) => put(doc.awards, e.data.unitId, [...(own(doc.awards, e.data.unitId) ?? []), e.data.award])),
    },
    AwardDecided: {
      ids: campaignIds,
      evolve: (docs, e) =>
        updateCampaign(docs, e, (doc: StandingsCampaignDoc) => {
          const decisions = own(doc.decisions, e.data.unitId) ?? {};
          put(decisions, e.data.award, { outcome: e.data.outcome, decisionRef: e.data.decisionRef });
          put(doc.decisions, e.data.unitId, decisions);
        }),
    },
    PledgesClassified: {
      ids: campaignIds,
      evolve: (docs, e) =>
        updateCampaign(docs, e, (doc: StandingsCampaignDoc) => {
          // One event is one whole classification: it replaces the one before.
          const classification: Record<string, string> = {};
          for (const entry of e.data.classes) put(classification, entry.unitId, entry.tierId);
          doc.classification = classification;
        }),
    },
    CampaignClosed: { ids: campaignIds, evolve: (docs, e) => updateCampaign(docs, e, (doc: StandingsCampaignDoc) => void (doc.closed = true)) },
    PledgeSigned: {
      ids: campaignIds,
      evolve: (docs, e) =>
        updateCampaign(docs, e, (doc: StandingsCampaignDoc) =>
          put(doc.pledges, e.data.unitId, { pledgeId: e.data.pledgeId, unitId: e.data.unitId, status: 'active', scores: {}, adjustments: [] }),
        ),
    },
    ScoreRecorded: { ids: pledgeIds, evolve: (docs, e) => updatePledge(docs, e, scoreIn) },
    AdjustmentRecorded: {
      ids: pledgeIds,
      evolve: (docs, e) => updatePledge(docs, e, (pledge: StandingsPledgeDoc) => void pledge.adjustments.push({ kind: e.data.kind, points: e.data.points })),
    },
    PledgeDisqualified: { ids: pledgeIds, evolve: (docs, e) => updatePledge(docs, e, (pledge: StandingsPledgeDoc) => void (pledge.status = 'disqualified')) },
    PledgeWithdrawn: { ids: pledgeIds, evolve: (docs, e) => updatePledge(docs, e, (pledge: StandingsPledgeDoc) => void (pledge.status = 'withdrawn')) },
  },
});
