/**
 * Every business rule code `decide` can throw, as `RuleViolationError(rule, …)`
 * (`code: 'rule_violated'`). The codes are part of the public contract:
 * callers and tests switch on them, so never rename one; add new ones.
 * docs/domain.md explains each.
 */
export const RULES = {
  // Bloc
  blocAlreadyEstablished: 'bloc.already_established',
  memberAlreadyAdmitted: 'member.already_admitted',
  memberNotMember: 'member.not_member',
  memberIsFlagHolder: 'member.is_flag_holder',
  flagNotHolder: 'flag.not_holder',
  flagTermNotLater: 'flag.term_not_later',
  chairNotMember: 'chair.not_member',
  deputyNotMember: 'deputy.not_member',
  deputyIsChair: 'deputy.is_chair',
  // Campaign phases
  campaignAlreadyLaunched: 'campaign.already_launched',
  campaignYearTaken: 'campaign.year_taken',
  campaignClosed: 'campaign.closed',
  campaignScoringAlreadyOpened: 'campaign.scoring_already_opened',
  campaignScoringNotOpen: 'campaign.scoring_not_open',
  campaignScoringClosed: 'campaign.scoring_closed',
  campaignScoringNotClosed: 'campaign.scoring_not_closed',
  campaignSigningClosed: 'campaign.signing_closed',
  // Reviews
  reviewHostNotMember: 'review.host_not_member',
  reviewAlreadyHeld: 'review.already_held',
  reviewOutOfOrder: 'review.out_of_order',
  // Ranking
  ranksNoEligiblePledges: 'ranks.no_eligible_pledges',
  ranksIncomplete: 'ranks.incomplete',
  ranksDuplicateUnit: 'ranks.duplicate_unit',
  ranksUnknownUnit: 'ranks.unknown_unit',
  ranksInvalid: 'ranks.invalid',
  ranksAwardsProposed: 'ranks.awards_proposed',
  // Awards
  awardNotRanked: 'award.not_ranked',
  awardQuotaExceeded: 'award.quota_exceeded',
  awardOnePerUnit: 'award.one_per_unit',
  awardFlagRankTooLow: 'award.flag_rank_too_low',
  awardPledgeInactive: 'award.pledge_inactive',
  awardUnknown: 'award.unknown',
  awardRankTooLow: 'award.rank_too_low',
  // Council decisions
  decisionNotProposed: 'decision.not_proposed',
  decisionAlreadyDecided: 'decision.already_decided',
  // Classes
  classesNoTiers: 'classes.no_tiers',
  classesNoEligiblePledges: 'classes.no_eligible_pledges',
  classesDuplicateUnit: 'classes.duplicate_unit',
  classesUnknownUnit: 'classes.unknown_unit',
  classesIncomplete: 'classes.incomplete',
  classesUnknownTier: 'classes.unknown_tier',
  // Pledge
  pledgeAlreadySigned: 'pledge.already_signed',
  pledgeNotMember: 'pledge.not_member',
  pledgeUnknownCriterion: 'pledge.unknown_criterion',
  pledgeNotActive: 'pledge.not_active',
  scoreUnknownCriterion: 'score.unknown_criterion',
  scoreExceedsMax: 'score.exceeds_max',
} as const;

/** A rule code, such as `score.exceeds_max`. */
export type RuleCode = (typeof RULES)[keyof typeof RULES];
