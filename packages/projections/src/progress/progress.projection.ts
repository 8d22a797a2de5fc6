import { ASSESSORS, type Assessor, type CampaignPhase } from '@thidua/domain';
import type { Projection, ProjectionDocuments, RecordedEvent } from '@thidua/eventsourcing';
import { own, put } from '../records';
import { pledgeLocator, type PledgeLocation } from '../pledge-location';
import { asThiduaEvent, required, type ThiduaEventType } from '../thidua-event';
import type { ProgressBlocDoc, ProgressCampaignDoc, ProgressDoc, ProgressPledgeDoc } from './progress.types';

/** Name of the campaign-progress projection in the projection store. */
export const PROGRESS_PROJECTION = 'campaign-progress';

/** Document key of a bloc in the campaign-progress projection. */
export const progressBlocKey = (blocId: string): string => `bloc:${blocId}`;
/** Document key of a campaign in the campaign-progress projection. */
export const progressCampaignKey = (campaignId: string): string => `campaign:${campaignId}`;

const HANDLES = [
  'BlocEstablished',
  'MemberAdmitted',
  'MemberRemoved',
  'CampaignLaunched',
  'ScoringOpened',
  'ScoringClosed',
  'CampaignClosed',
  'PledgeSigned',
  'ScoreRecorded',
  'PledgeDisqualified',
  'PledgeWithdrawn',
] as const satisfies readonly ThiduaEventType[];

const locatePledge = pledgeLocator(progressCampaignKey);

function keys(event: RecordedEvent): readonly string[] {
  const e = asThiduaEvent(event);
  switch (e.type) {
    case 'BlocEstablished':
    case 'MemberAdmitted':
    case 'MemberRemoved':
      return [progressBlocKey(e.data.blocId)];
    case 'CampaignLaunched':
    case 'ScoringOpened':
    case 'ScoringClosed':
    case 'CampaignClosed':
    case 'PledgeSigned':
      return [progressCampaignKey(e.data.campaignId)];
    case 'ScoreRecorded':
    case 'PledgeDisqualified':
    case 'PledgeWithdrawn':
      return locatePledge(e.data.pledgeId).keys;
    default:
      return [];
  }
}

type Docs = ProjectionDocuments<ProgressDoc>;

// Module functions rather than closures made per event: apply runs for every event of a rebuild.
// A key's prefix fixes its document's kind, so the casts below only restate what the key says.
function blocDoc(docs: Docs, blocId: string): ProgressBlocDoc {
  return required(docs.get(progressBlocKey(blocId)) as ProgressBlocDoc | undefined, 'Bloc', blocId);
}

function campaignDoc(docs: Docs, campaignId: string): ProgressCampaignDoc {
  return required(docs.get(progressCampaignKey(campaignId)) as ProgressCampaignDoc | undefined, 'Campaign', campaignId);
}

function setPhase(docs: Docs, campaignId: string, phase: CampaignPhase): void {
  const doc = campaignDoc(docs, campaignId);
  doc.phase = phase;
  docs.set(progressCampaignKey(campaignId), doc);
}

/** A pledge event's campaign document (the caller saves it under `location.key`). */
function campaignOfPledge(docs: Docs, pledgeId: string, location: PledgeLocation): ProgressCampaignDoc {
  return required(docs.get(location.key) as ProgressCampaignDoc | undefined, 'Campaign of pledge', pledgeId);
}

/** The pledge in its campaign document. */
function pledgeOf(doc: ProgressCampaignDoc, pledgeId: string, location: PledgeLocation): ProgressPledgeDoc {
  return required(own(doc.pledges, location.unitId), 'Pledge', pledgeId);
}

/** The levels of a criterion with `assessor` added, in the domain's order (self, cross, verified): the last one counts. */
function withLevel(levels: readonly Assessor[] | undefined, assessor: Assessor): Assessor[] {
  return ASSESSORS.filter((level) => level === assessor || (levels?.includes(level) ?? false));
}

function apply(event: RecordedEvent, docs: Docs): void {
  const e = asThiduaEvent(event);
  switch (e.type) {
    case 'BlocEstablished':
      docs.set(progressBlocKey(e.data.blocId), { blocId: e.data.blocId, units: {} });
      return;
    case 'MemberAdmitted': {
      const doc = blocDoc(docs, e.data.blocId);
      put(doc.units, e.data.unitId, { unitName: e.data.unitName, member: true });
      docs.set(progressBlocKey(e.data.blocId), doc);
      return;
    }
    case 'MemberRemoved': {
      const doc = blocDoc(docs, e.data.blocId);
      const unit = own(doc.units, e.data.unitId);
      if (unit) unit.member = false;
      docs.set(progressBlocKey(e.data.blocId), doc);
      return;
    }
    case 'CampaignLaunched':
      docs.set(progressCampaignKey(e.data.campaignId), {
        campaignId: e.data.campaignId,
        blocId: e.data.blocId,
        year: e.data.year,
        title: e.data.title,
        phase: 'launched',
        criterionIds: e.data.criteria.map((criterion) => criterion.criterionId),
        pledges: {},
      });
      return;
    case 'ScoringOpened':
      setPhase(docs, e.data.campaignId, 'scoring');
      return;
    case 'ScoringClosed':
      setPhase(docs, e.data.campaignId, 'scoring-closed');
      return;
    case 'CampaignClosed':
      setPhase(docs, e.data.campaignId, 'closed');
      return;
    case 'PledgeSigned': {
      const doc = campaignDoc(docs, e.data.campaignId);
      put(doc.pledges, e.data.unitId, {
        pledgeId: e.data.pledgeId,
        unitId: e.data.unitId,
        signedBy: e.data.signedBy,
        signedAt: e.data.signedAt,
        status: 'active',
        levels: {},
      });
      docs.set(progressCampaignKey(e.data.campaignId), doc);
      return;
    }
    case 'ScoreRecorded': {
      const location = locatePledge(e.data.pledgeId);
      const doc = campaignOfPledge(docs, e.data.pledgeId, location);
      const pledge = pledgeOf(doc, e.data.pledgeId, location);
      const levels = own(pledge.levels, e.data.criterionId);
      // A re-score at a level already seen changes nothing here.
      if (levels !== undefined && levels.includes(e.data.assessor)) return;
      put(pledge.levels, e.data.criterionId, withLevel(levels, e.data.assessor));
      docs.set(location.key, doc);
      return;
    }
    case 'PledgeDisqualified':
    case 'PledgeWithdrawn': {
      const location = locatePledge(e.data.pledgeId);
      const doc = campaignOfPledge(docs, e.data.pledgeId, location);
      pledgeOf(doc, e.data.pledgeId, location).status = e.type === 'PledgeDisqualified' ? 'disqualified' : 'withdrawn';
      docs.set(location.key, doc);
      return;
    }
    default:
      return;
  }
}

/**
 * Campaign progress: who has signed, and which criteria each pledge has
 * scores for at which assessor level. One document per campaign
 * (`campaign:<campaignId>`) and one per bloc (`bloc:<blocId>`, its units) so
 * that `getCampaignProgress` can also list the members that have not signed.
 */
export const progressProjection: Projection<ProgressDoc> = {
  name: PROGRESS_PROJECTION,
  version: 1,
  handles: HANDLES,
  keys,
  apply,
};
