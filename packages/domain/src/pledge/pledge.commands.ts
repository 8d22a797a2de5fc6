/**
 * Pledge commands. `SignPledge` names its campaign and unit (the library
 * derives `pledgeId` and `blocId`); the later ones name their pledge by
 * `pledgeId` (DESIGN §3).
 */
import type { Command } from '@thidua/eventsourcing';
import { z } from 'zod';
import { commandEnvelope } from '../command-envelope';
import {
  adjustmentRecordedSchema,
  pledgeDisqualifiedSchema,
  pledgeSignedSchema,
  pledgeWithdrawnSchema,
  scoreRecordedSchema,
} from './pledge.events';

/** `SignPledge` data → `PledgeSigned`, less the derived `pledgeId` and `blocId`. */
export const signPledgeDataSchema = z.strictObject(pledgeSignedSchema.omit({ pledgeId: true, blocId: true }).shape);
/** `RecordScore` data → `ScoreRecorded`. */
export const recordScoreDataSchema = z.strictObject(scoreRecordedSchema.shape);
/** `RecordAdjustment` data → `AdjustmentRecorded`. */
export const recordAdjustmentDataSchema = z.strictObject(adjustmentRecordedSchema.shape);
/** `DisqualifyPledge` data → `PledgeDisqualified`. */
export const disqualifyPledgeDataSchema = z.strictObject(pledgeDisqualifiedSchema.shape);
/** `WithdrawPledge` data → `PledgeWithdrawn`. */
export const withdrawPledgeDataSchema = z.strictObject(pledgeWithdrawnSchema.shape);

/** Envelope schemas of the pledge commands. */
export const pledgeCommandSchemas = [
  commandEnvelope('SignPledge', signPledgeDataSchema),
  commandEnvelope('RecordScore', recordScoreDataSchema),
  commandEnvelope('RecordAdjustment', recordAdjustmentDataSchema),
  commandEnvelope('DisqualifyPledge', disqualifyPledgeDataSchema),
  commandEnvelope('WithdrawPledge', withdrawPledgeDataSchema),
] as const;

/** Sign a unit's covenant in a campaign (the unit itself as `member`, or the council). */
export type SignPledge = Command<'SignPledge', z.infer<typeof signPledgeDataSchema>>;
/** Record a score: `self` by the unit, `cross`/`verified` by the chair; the council may record any. */
export type RecordScore = Command<'RecordScore', z.infer<typeof recordScoreDataSchema>>;
/** Record a bonus or deduction (council or chair). */
export type RecordAdjustment = Command<'RecordAdjustment', z.infer<typeof recordAdjustmentDataSchema>>;
/** Disqualify a pledge (council or chair). */
export type DisqualifyPledge = Command<'DisqualifyPledge', z.infer<typeof disqualifyPledgeDataSchema>>;
/** Withdraw a pledge (the unit itself, or the council). */
export type WithdrawPledge = Command<'WithdrawPledge', z.infer<typeof withdrawPledgeDataSchema>>;

/** Every command handled by the pledge decider. */
export type PledgeCommand = SignPledge | RecordScore | RecordAdjustment | DisqualifyPledge | WithdrawPledge;

/** Names of the pledge commands. */
export const PLEDGE_COMMANDS = ['SignPledge', 'RecordScore', 'RecordAdjustment', 'DisqualifyPledge', 'WithdrawPledge'] as const;
