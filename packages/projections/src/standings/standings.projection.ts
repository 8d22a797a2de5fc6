import { startsNewRanking, type Assessor } from '@thidua/domain';
import type { Projection, ProjectionDocuments, RecordedEvent } from '@thidua/eventsourcing';
import { own, put } from '../records';
import { pledgeLocator, type PledgeLocation } from '../pledge-location';
import { asThiduaEvent, required, type ThiduaEventType } from '../thidua-event';
import type { StandingsBlocDoc, StandingsCampaignDoc, StandingsDoc, StandingsPledgeDoc } from './standings.types';

/** Name of the year-end standings projection in the projection store. */
export const STANDINGS_PROJECTION = 'standings';

/** Document key of a bloc in the standings projection. */
export const standingsBlocKey = (blocId: string): string => `bloc:${blocId}`;
/** Document key of a campaign in the standings projection. */
export const standingsCampaignKey = (campaignId: string): string => `campaign:${campaignId}`;

const HANDLES = [
  'BlocEstablished',
  'MemberAdmitted',
  'ChairFlagTransferred',
  'DeputyChairElected',
  'CampaignLaunched',
  'ReviewHeld',
  'RankAssigned',
  'AwardProposed',
  'CampaignClosed',
  'PledgeSigned',
  'ScoreRecorded',
  'AdjustmentRecorded',
  'PledgeDisqualified',
  'PledgeWithdrawn',
] as const satisfies readonly ThiduaEventType[];

function keys(event: RecordedEvent): readonly string[] {
  const e = asThiduaEvent(event);
  switch (e.type) {
    case 'BlocEstablished':
    case 'MemberAdmitted':
    case 'ChairFlagTransferred':
    case 'DeputyChairElected':
      return [standingsBlocKey(e.data.blocId)];
    case 'CampaignLaunched':
      return [standingsCampaignKey(e.data.campaignId), standingsBlocKey(e.data.blocId)];
    case 'ReviewHeld':
    case 'RankAssigned':
    case 'AwardProposed':
    case 'CampaignClosed':
    case 'PledgeSigned':
      return [standingsCampaignKey(e.data.campaignId)];
    case 'ScoreRecorded':
    case 'AdjustmentRecorded':
    case 'PledgeDisqualified':
    case 'PledgeWithdrawn':
      return locatePledge(e.data.pledgeId).keys;
    default:
      return [];
  }
}

type Docs = ProjectionDocuments<StandingsDoc>;

// Helpers are module functions rather than closures made per event: apply runs for every event of a rebuild.
// A key's prefix fixes its document's kind, so the casts below only restate what the key says.
function blocDoc(docs: Docs, blocId: string): StandingsBlocDoc {
  return required(docs.get(standingsBlocKey(blocId)) as StandingsBlocDoc | undefined, 'Bloc', blocId);
}

function campaignDoc(docs: Docs, campaignId: string): StandingsCampaignDoc {
  return required(docs.get(standingsCampaignKey(campaignId)) as StandingsCampaignDoc | undefined, 'Campaign', campaignId);
}

const locatePledge = pledgeLocator(standingsCampaignKey);

function saveBloc(docs: Docs, doc: StandingsBlocDoc): void {
  docs.set(standingsBlocKey(doc.blocId), doc);
}

function saveCampaign(docs: Docs, doc: StandingsCampaignDoc): void {
  docs.set(standingsCampaignKey(doc.campaignId), doc);
}

/**
 * Records a score: its points replace the earlier ones of that criterion and
 * level (only the latest counts, the domain's rule), in place, so a rebuild
 * allocates nothing for a score that replaces another.
 */
function recordScore(scores: StandingsPledgeDoc['scores'], criterionId: string, assessor: Assessor, points: number): void {
  const levels = own(scores, criterionId);
  if (levels === undefined) put(scores, criterionId, { [assessor]: points });
  else levels[assessor] = points;
}

/** A pledge event's campaign document (the caller saves it under `location.key`). */
function campaignOfPledge(docs: Docs, pledgeId: string, location: PledgeLocation): StandingsCampaignDoc {
  return required(docs.get(location.key) as StandingsCampaignDoc | undefined, 'Campaign of pledge', pledgeId);
}

/** The pledge in its campaign document. */
function pledgeOf(doc: StandingsCampaignDoc, pledgeId: string, location: PledgeLocation): StandingsPledgeDoc {
  return required(own(doc.pledges, location.unitId), 'Pledge', pledgeId);
}

function apply(event: RecordedEvent, docs: Docs): void {
  const e = asThiduaEvent(event);
  switch (e.type) {
    case 'BlocEstablished':
      saveBloc(docs, { blocId: e.data.blocId, blocName: e.data.name, units: {}, transfers: [], deputies: [], campaigns: {} });
      return;
    case 'MemberAdmitted': {
      const doc = blocDoc(docs, e.data.blocId);
      put(doc.units, e.data.unitId, e.data.unitName);
      saveBloc(docs, doc);
      return;
    }
    case 'ChairFlagTransferred': {
      const doc = blocDoc(docs, e.data.blocId);
      doc.transfers.push({ termYear: e.data.termYear, fromUnitId: e.data.fromUnitId, toUnitId: e.data.toUnitId });
      saveBloc(docs, doc);
      return;
    }
    case 'DeputyChairElected': {
      const doc = blocDoc(docs, e.data.blocId);
      doc.deputies.push({ termYear: e.data.termYear, unitId: e.data.unitId });
      saveBloc(docs, doc);
      return;
    }
    case 'CampaignLaunched': {
      const doc = blocDoc(docs, e.data.blocId);
      put(doc.campaigns, String(e.data.year), e.data.campaignId);
      saveBloc(docs, doc);
      saveCampaign(docs, {
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
      });
      return;
    }
    case 'ReviewHeld': {
      if (e.data.kind !== 'year-end') return;
      const doc = campaignDoc(docs, e.data.campaignId);
      doc.review = { heldAt: e.data.heldAt, hostUnitId: e.data.hostUnitId };
      saveCampaign(docs, doc);
      return;
    }
    case 'RankAssigned': {
      const doc = campaignDoc(docs, e.data.campaignId);
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
      saveCampaign(docs, doc);
      return;
    }
    case 'AwardProposed': {
      const doc = campaignDoc(docs, e.data.campaignId);
      put(doc.awards, e.data.unitId, [...(own(doc.awards, e.data.unitId) ?? []), e.data.award]);
      saveCampaign(docs, doc);
      return;
    }
    case 'CampaignClosed': {
      const doc = campaignDoc(docs, e.data.campaignId);
      doc.closed = true;
      saveCampaign(docs, doc);
      return;
    }
    case 'PledgeSigned': {
      const doc = campaignDoc(docs, e.data.campaignId);
      put(doc.pledges, e.data.unitId, { pledgeId: e.data.pledgeId, unitId: e.data.unitId, status: 'active', scores: {}, adjustments: [] });
      saveCampaign(docs, doc);
      return;
    }
    case 'ScoreRecorded': {
      const location = locatePledge(e.data.pledgeId);
      const doc = campaignOfPledge(docs, e.data.pledgeId, location);
      const pledge = pledgeOf(doc, e.data.pledgeId, location);
      recordScore(pledge.scores, e.data.criterionId, e.data.assessor, e.data.points);
      docs.set(location.key, doc);
      return;
    }
    case 'AdjustmentRecorded': {
      const location = locatePledge(e.data.pledgeId);
      const doc = campaignOfPledge(docs, e.data.pledgeId, location);
      const pledge = pledgeOf(doc, e.data.pledgeId, location);
      pledge.adjustments.push({ kind: e.data.kind, points: e.data.points });
      docs.set(location.key, doc);
      return;
    }
    case 'PledgeDisqualified':
    case 'PledgeWithdrawn': {
      const location = locatePledge(e.data.pledgeId);
      const doc = campaignOfPledge(docs, e.data.pledgeId, location);
      const pledge = pledgeOf(doc, e.data.pledgeId, location);
      pledge.status = e.type === 'PledgeDisqualified' ? 'disqualified' : 'withdrawn';
      docs.set(location.key, doc);
      return;
    }
    default:
      return;
  }
}

/**
 * Year-end standings (DESIGN §4), kept as one document per bloc
 * (`bloc:<blocId>`: name, unit names, flag transfers, deputies, campaign per
 * year) and one per campaign (`campaign:<campaignId>`: title, criteria,
 * review, pledges with their recorded scores and adjustments, the ranking in
 * force, awards). `getYearEndStandings` assembles the JSON of DESIGN §4 from
 * the two, computing totals and provisional ranks with the domain's own
 * `pledgeTotal` and `rankByScore`.
 */
export const standingsProjection: Projection<StandingsDoc> = {
  name: STANDINGS_PROJECTION,
  // v2: pledges keep only the latest score of each criterion and level.
  // v3: kept as criterionId → level → points instead of a list of scores.
  version: 3,
  handles: HANDLES,
  keys,
  apply,
};
