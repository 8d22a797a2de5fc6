/**
 * Pledge commands. `SignPledge` names its campaign and unit (the library
 * derives `pledgeId` and `blocId`); the later ones name their pledge by
 * `pledgeId`.
 */
import { z } from 'zod';
import { commandEnvelope, commandNames, type CommandOf } from '../command-envelope';
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

/** Every command handled by the pledge decider. */
export type PledgeCommand = CommandOf<(typeof pledgeCommandSchemas)[number]>;

/** Names of the pledge commands. */
export const PLEDGE_COMMANDS = commandNames(pledgeCommandSchemas);
