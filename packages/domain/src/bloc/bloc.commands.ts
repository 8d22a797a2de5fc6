/**
 * Bloc commands. Each `data` holds the fields of the event it emits, less
 * what the library derives (`fromUnitId`); unknown keys are refused so that a
 * misspelt field is reported rather than silently dropped.
 */
import { z } from 'zod';
import { commandEnvelope, commandNames, type CommandOf } from '../command-envelope';
import { BlocEstablished, ChairFlagTransferred, DeputyChairElected, MemberAdmitted, MemberRemoved } from './bloc.events';

/** Envelope schemas of the bloc commands, each `data` → the event of the same line. */
export const blocCommandSchemas = [
  commandEnvelope('EstablishBloc', z.strictObject(BlocEstablished.schema.shape)),
  commandEnvelope('AdmitMember', z.strictObject(MemberAdmitted.schema.shape)),
  commandEnvelope('RemoveMember', z.strictObject(MemberRemoved.schema.shape)),
  // `fromUnitId` is the current holder, derived.
  commandEnvelope('TransferChairFlag', z.strictObject(ChairFlagTransferred.schema.omit({ fromUnitId: true }).shape)),
  commandEnvelope('ElectDeputyChair', z.strictObject(DeputyChairElected.schema.shape)),
] as const;

/** Every command handled by the bloc decider. */
export type BlocCommand = CommandOf<(typeof blocCommandSchemas)[number]>;

/** Names of the bloc commands. */
export const BLOC_COMMANDS = commandNames(blocCommandSchemas);
