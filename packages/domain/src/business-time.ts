/**
 * Business time: when a fact happened, as the command said (every event's
 * own `…At` field, or `at`), as opposed to `recordedAt`, the store's clock
 * when it was written. An imported history keeps its business times.
 */
import { assertNever } from '@thidua/eventsourcing';
import type { ThiduaEvent } from './registry';

/**
 * The business time of an event: its `…At` field (`signedAt`, `scoredAt`,
 * `at`, …), an ISO-8601 instant with offset.
 *
 * @example businessTimeOf({ type: 'ScoringOpened', data: { campaignId: 'c', at: '2013-11-01T08:00:00+07:00' } }) // '2013-11-01T08:00:00+07:00'
 */
export function businessTimeOf(event: ThiduaEvent): string {
  switch (event.type) {
    case 'BlocEstablished':
      return event.data.establishedAt;
    case 'MemberAdmitted':
      return event.data.admittedAt;
    case 'MemberRemoved':
      return event.data.removedAt;
    case 'ChairFlagTransferred':
      return event.data.transferredAt;
    case 'DeputyChairElected':
      return event.data.electedAt;
    case 'CampaignLaunched':
      return event.data.launchedAt;
    case 'ScoringOpened':
    case 'ScoringClosed':
    case 'PledgeDisqualified':
    case 'PledgeWithdrawn':
      return event.data.at;
    case 'ReviewHeld':
      return event.data.heldAt;
    case 'RankAssigned':
      return event.data.assignedAt;
    case 'AwardProposed':
      return event.data.proposedAt;
    case 'CampaignClosed':
      return event.data.closedAt;
    case 'AwardDecided':
      return event.data.decidedAt;
    case 'PledgesClassified':
      return event.data.classifiedAt;
    case 'PledgeSigned':
      return event.data.signedAt;
    case 'ScoreRecorded':
      return event.data.scoredAt;
    case 'AdjustmentRecorded':
      return event.data.adjustedAt;
    default:
      return assertNever(event, 'event');
  }
}
