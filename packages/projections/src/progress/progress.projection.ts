import { ASSESSORS, type Assessor, type CampaignPhase } from '@thidua/domain';
import type { ProjectionDocuments } from '@thidua/eventsourcing';
import { blocIds, blocKey, campaignIds, campaignKey, pledgeIds, thiduaProjection, updateBloc, updateCampaign, updatePledge } from '../documents';
import { own, put } from '../records';
import type { RecordedThiduaEventOf } from '../thidua-event';
import type { ProgressBlocDoc, ProgressCampaignDoc, ProgressDoc, ProgressPledgeDoc } from './progress.types';

/** Name of the campaign-progress projection in the projection store. */
export const PROGRESS_PROJECTION = 'campaign-progress';

/** The levels of a criterion with `assessor` added, in the domain's order (self, cross, verified): the last one counts. */
function withLevel(levels: readonly Assessor[] | undefined, assessor: Assessor): Assessor[] {
  return ASSESSORS.filter((level) => level === assessor || (levels?.includes(level) ?? false));
}

/** Scores are most of the log: a module function, allocating nothing per event unless a new level appears. */
function scoreIn(pledge: ProgressPledgeDoc, e: RecordedThiduaEventOf<'ScoreRecorded'>): void {
  const levels = own(pledge.levels, e.data.criterionId);
  // A re-score at a level already seen changes nothing here.
  if (levels !== undefined && levels.includes(e.data.assessor)) return;
  put(pledge.levels, e.data.criterionId, withLevel(levels, e.data.assessor));
}

function phase(docs: ProjectionDocuments<unknown>, e: { data: { campaignId: string } }, to: CampaignPhase): void {
  updateCampaign(docs, e, (doc: ProgressCampaignDoc) => void (doc.phase = to));
}

/**
 * Campaign progress: who has signed, and which criteria each pledge has
 * scores for at which assessor level. One document per campaign
 * (`campaign:<campaignId>`) and one per bloc (`bloc:<blocId>`, its units) so
 * that `getCampaignProgress` can also list the members that have not signed.
 */
export const progressProjection = thiduaProjection<ProgressDoc>({
  name: PROGRESS_PROJECTION,
  version: 1,
  on: {
    BlocEstablished: { ids: blocIds, evolve: (docs, e) => docs.set(blocKey(e.data.blocId), { blocId: e.data.blocId, units: {} }) },
    MemberAdmitted: {
      ids: blocIds,
      evolve: (docs, e) => updateBloc(docs, e, (doc: ProgressBlocDoc) => put(doc.units, e.data.unitId, { unitName: e.data.unitName, member: true })),
    },
    MemberRemoved: {
      ids: blocIds,
      evolve: (docs, e) =>
        updateBloc(docs, e, (doc: ProgressBlocDoc) => {
          const unit = own(doc.units, e.data.unitId);
          if (unit) unit.member = false;
        }),
    },
    CampaignLaunched: {
      ids: campaignIds,
      evolve: (docs, e) =>
        docs.set(campaignKey(e.data.campaignId), {
          campaignId: e.data.campaignId,
          blocId: e.data.blocId,
          year: e.data.year,
          title: e.data.title,
          phase: 'launched',
          criterionIds: e.data.criteria.map((criterion) => criterion.criterionId),
          pledges: {},
        }),
    },
    ScoringOpened: { ids: campaignIds, evolve: (docs, e) => phase(docs, e, 'scoring') },
    ScoringClosed: { ids: campaignIds, evolve: (docs, e) => phase(docs, e, 'scoring-closed') },
    CampaignClosed: { ids: campaignIds, evolve: (docs, e) => phase(docs, e, 'closed') },
    PledgeSigned: {
      ids: campaignIds,
      evolve: (docs, e) =>
        updateCampaign(docs, e, (doc: ProgressCampaignDoc) =>
          put(doc.pledges, e.data.unitId, {
            pledgeId: e.data.pledgeId,
            unitId: e.data.unitId,
            signedBy: e.data.signedBy,
            signedAt: e.data.signedAt,
            status: 'active',
            levels: {},
          }),
        ),
    },
    ScoreRecorded: { ids: pledgeIds, evolve: (docs, e) => updatePledge(docs, e, scoreIn) },
    PledgeDisqualified: { ids: pledgeIds, evolve: (docs, e) => updatePledge(docs, e, (pledge: ProgressPledgeDoc) => void (pledge.status = 'disqualified')) },
    PledgeWithdrawn: { ids: pledgeIds, evolve: (docs, e) => updatePledge(docs, e, (pledge: ProgressPledgeDoc) => void (pledge.status = 'withdrawn')) },
  },
});
