/** The state of one pledge stream, as `evolve` folds it. */
import type { Assessor } from '../scoring';
import type { Target } from './pledge.events';

/** Whether the pledge still counts: only `active` pledges are scored, ranked and awarded. */
export type PledgeStatus = 'active' | 'withdrawn' | 'disqualified';

/** A score as kept in the state: the latest of its criterion and assessor level, in stream order of those latest scores. */
export interface PledgeScore {
  criterionId: string;
  points: number;
  assessor: Assessor;
  scoredAt: string;
}

/** An adjustment as kept in the state, in stream order. */
export interface PledgeAdjustment {
  kind: 'bonus' | 'deduction';
  points: number;
  reason: string;
  adjustedAt: string;
}

/** A pledge that has been signed. */
export interface SignedPledge {
  signed: true;
  pledgeId: string;
  campaignId: string;
  blocId: string;
  unitId: string;
  signedBy: string;
  targets: Target[];
  signedAt: string;
  status: PledgeStatus;
  /** Why and when it stopped being active; `null` while active. */
  statusReason: string | null;
  statusAt: string | null;
  scores: PledgeScore[];
  adjustments: PledgeAdjustment[];
}

/** The state of a pledge stream: nothing yet, or a signed pledge. */
export type PledgeState = { signed: false } | SignedPledge;

/** The state before the first event. */
export const initialPledgeState: PledgeState = { signed: false };
