/**
 * Orders the domain makes impossible, for `verifyLog` (see docs/audit.md):
 * a log that shows one was edited outside thidua.
 */
import type { AuditRule, RecordedEvent } from '@thidua/eventsourcing';
import { pledgeStream } from './streams';

/** The campaign of a pledge id (`<campaignId>.<unitId>`; ids never hold a dot). */
const campaignOf = (pledgeId: string): string => pledgeId.slice(0, pledgeId.indexOf('.'));

/**
 * A `ScoreRecorded` or `AdjustmentRecorded` after its campaign's
 * `ScoringClosed` in the log's order: the pledge decider refuses both once
 * scoring is closed, so such an event was moved, or written by hand.
 */
export const scoreAfterScoringClosedRule: AuditRule = {
  name: 'score-after-scoring-closed',
  start() {
    const closed = new Map<string, bigint>();
    return {
      check(event: RecordedEvent): string | null {
        const data = event.data as { campaignId?: string; pledgeId?: string };
        if (event.type === 'ScoringClosed' && typeof data.campaignId === 'string') {
          closed.set(data.campaignId, event.position);
          return null;
        }
        if ((event.type === 'ScoreRecorded' || event.type === 'AdjustmentRecorded') && typeof data.pledgeId === 'string') {
          const campaignId = campaignOf(data.pledgeId);
          const at = closed.get(campaignId);
          if (at !== undefined) return `${event.type} for pledge ${data.pledgeId} after scoring of campaign ${campaignId} closed (position ${at})`;
        }
        return null;
      },
    };
  },
};

/**
 * A `RankAssigned` whose pledge stream is not in the log: a ranking only
 * ranks signed pledges, so the pledge's stream was deleted.
 */
export const rankForMissingPledgeRule: AuditRule = {
  name: 'rank-for-missing-pledge',
  start() {
    const ranks: RecordedEvent[] = [];
    return {
      check(event: RecordedEvent): string | null {
        if (event.type === 'RankAssigned') ranks.push(event);
        return null;
      },
      finish(log) {
        return ranks.flatMap((event) => {
          const { pledgeId } = event.data as { pledgeId: string };
          const stream = pledgeStream(pledgeId);
          return log.streamExists(stream) ? [] : [{ event, problem: `RankAssigned for pledge ${pledgeId}, but the log holds no stream ${stream}` }];
        });
      },
    };
  },
};

/** Every audit rule of the domain, for `verifyLog({ rules })`. */
export const thiduaAuditRules: readonly AuditRule[] = [scoreAfterScoringClosedRule, rankForMissingPledgeRule];
