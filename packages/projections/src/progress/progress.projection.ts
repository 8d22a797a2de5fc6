import { ASSESSORS, type CampaignPhase } from '@thidua/domain';
import type { Projection, ProjectionDocuments, RecordedEvent } from '@thidua/eventsourcing';
import { own, put } from '../records';
import { asThiduaEvent, pledgeParts, required, type ThiduaEventType } from '../thidua-event';
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

function keys(event: RecordedEvent): string[] {
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
      return [progressCampaignKey(pledgeParts(e.data.pledgeId).campaignId)];
    default:
      return [];
  }
}

function apply(event: RecordedEvent, docs: ProjectionDocuments<ProgressDoc>): void {
  const e = asThiduaEvent(event);
  // A key's prefix fixes its document's kind, so the casts below only restate what the key says.
  const bloc = (blocId: string) => required(docs.get(progressBlocKey(blocId)) as ProgressBlocDoc | undefined, 'Bloc', blocId);
  const campaign = (campaignId: string) =>
    required(docs.get(progressCampaignKey(campaignId)) as ProgressCampaignDoc | undefined, 'Campaign', campaignId);
  const setPhase = (campaignId: string, phase: CampaignPhase) => {
    const doc = campaign(campaignId);
    doc.phase = phase;
    docs.set(progressCampaignKey(campaignId), doc);
  };
  const updatePledge = (pledgeId: string, change: (pledge: ProgressPledgeDoc) => void) => {
    const { campaignId, unitId } = pledgeParts(pledgeId);
    const doc = campaign(campaignId);
    change(required(own(doc.pledges, unitId), 'Pledge', pledgeId));
    docs.set(progressCampaignKey(campaignId), doc);
  };

  switch (e.type) {
    case 'BlocEstablished':
      docs.set(progressBlocKey(e.data.blocId), { blocId: e.data.blocId, units: {} });
      return;
    case 'MemberAdmitted': {
      const doc = bloc(e.data.blocId);
      put(doc.units, e.data.unitId, { unitName: e.data.unitName, member: true });
      docs.set(progressBlocKey(e.data.blocId), doc);
      return;
    }
    case 'MemberRemoved': {
      const doc = bloc(e.data.blocId);
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
      setPhase(e.data.campaignId, 'scoring');
      return;
    case 'ScoringClosed':
      setPhase(e.data.campaignId, 'scoring-closed');
      return;
    case 'CampaignClosed':
      setPhase(e.data.campaignId, 'closed');
      return;
    case 'PledgeSigned': {
      const doc = campaign(e.data.campaignId);
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
    case 'ScoreRecorded':
      updatePledge(e.data.pledgeId, (pledge) => {
        const levels = new Set(own(pledge.levels, e.data.criterionId) ?? []);
        levels.add(e.data.assessor);
        // Kept in the domain's order (self, cross, verified) so the last one is the level that counts.
        put(pledge.levels, e.data.criterionId, ASSESSORS.filter((level) => levels.has(level)));
      });
      return;
    case 'PledgeDisqualified':
      updatePledge(e.data.pledgeId, (pledge) => {
        pledge.status = 'disqualified';
      });
      return;
    case 'PledgeWithdrawn':
      updatePledge(e.data.pledgeId, (pledge) => {
        pledge.status = 'withdrawn';
      });
      return;
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
