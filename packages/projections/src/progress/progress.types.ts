import type { Assessor, CampaignPhase, PledgeStatus } from '@thidua/domain';

/** What has been scored for one criterion of a pledge. */
export interface CriterionProgress {
  criterionId: string;
  /** The highest assessor level with a score: the one the effective score comes from. */
  level: Assessor;
  /** Every level with at least one score, from `self` to `verified`. */
  levels: Assessor[];
}

/** One signed pledge and how far its assessment has gone. */
export interface PledgeProgress {
  pledgeId: string;
  unitId: string;
  unitName: string;
  signedBy: string;
  signedAt: string;
  status: PledgeStatus;
  /** Criteria with at least one score, in the covenant's order. */
  scored: CriterionProgress[];
  /** Criteria of the covenant with no score yet. */
  unscored: string[];
}

/** Read model of `getCampaignProgress`: who has signed, who has scored what. */
export interface CampaignProgress {
  campaignId: string;
  blocId: string;
  year: number;
  title: string;
  phase: CampaignPhase;
  /** Criterion ids in the covenant's order. */
  criteria: string[];
  /** Signed pledges, by unitId. */
  pledges: PledgeProgress[];
  /** Current members of the bloc that have not signed, by unitId. */
  notSigned: { unitId: string; unitName: string }[];
  counts: {
    /** Current members of the bloc. */
    members: number;
    signed: number;
    /** Active pledges with a score for every criterion. */
    fullyScored: number;
    /** Active pledges with a `verified` score for every criterion. */
    fullyVerified: number;
  };
}

/** `bloc:<blocId>` — the bloc's units, to name them and to tell who has not signed. */
export interface ProgressBlocDoc {
  blocId: string;
  /** unitId → name and whether the unit is a member now. */
  units: Record<string, { unitName: string; member: boolean }>;
}

/** A pledge as stored: `levels` maps criterionId → levels scored so far. */
export interface ProgressPledgeDoc {
  pledgeId: string;
  unitId: string;
  signedBy: string;
  signedAt: string;
  status: PledgeStatus;
  levels: Record<string, Assessor[]>;
}

/** `campaign:<campaignId>` — the campaign, its phase and its pledges. */
export interface ProgressCampaignDoc {
  campaignId: string;
  blocId: string;
  year: number;
  title: string;
  phase: CampaignPhase;
  criterionIds: string[];
  /** unitId → pledge. */
  pledges: Record<string, ProgressPledgeDoc>;
}

/** Any document of the `campaign-progress` projection. */
export type ProgressDoc = ProgressBlocDoc | ProgressCampaignDoc;
