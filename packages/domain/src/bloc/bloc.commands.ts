/**
 * Bloc commands. Each `data` holds the fields of the event it emits, less
 * what the library derives (`fromUnitId`); unknown keys are refused so that a
 * misspelt field is reported rather than silently dropped.
 */
import type { Command } from '@thidua/eventsourcing';
import { z } from 'zod';
import { commandEnvelope } from '../command-envelope';
import {
  blocEstablishedSchema,
  chairFlagTransferredSchema,
  deputyChairElectedSchema,
  memberAdmittedSchema,
  memberRemovedSchema,
} from './bloc.events';

/** `EstablishBloc` data → `BlocEstablished`. */
export const establishBlocDataSchema = z.strictObject(blocEstablishedSchema.shape);
/** `AdmitMember` data → `MemberAdmitted`. */
export const admitMemberDataSchema = z.strictObject(memberAdmittedSchema.shape);
/** `RemoveMember` data → `MemberRemoved`. */
export const removeMemberDataSchema = z.strictObject(memberRemovedSchema.shape);
/** `TransferChairFlag` data → `ChairFlagTransferred`; `fromUnitId` is the current holder, derived. */
export const transferChairFlagDataSchema = z.strictObject(chairFlagTransferredSchema.omit({ fromUnitId: true }).shape);
/** `ElectDeputyChair` data → `DeputyChairElected`. */
export const electDeputyChairDataSchema = z.strictObject(deputyChairElectedSchema.shape);

/** Envelope schemas of the bloc commands. */
export const blocCommandSchemas = [
  commandEnvelope('EstablishBloc', establishBlocDataSchema),
  commandEnvelope('AdmitMember', admitMemberDataSchema),
  commandEnvelope('RemoveMember', removeMemberDataSchema),
  commandEnvelope('TransferChairFlag', transferChairFlagDataSchema),
  commandEnvelope('ElectDeputyChair', electDeputyChairDataSchema),
] as const;

/** Set up a bloc (council). */
export type EstablishBloc = Command<'EstablishBloc', z.infer<typeof establishBlocDataSchema>>;
/** Admit a unit to a bloc (council). */
export type AdmitMember = Command<'AdmitMember', z.infer<typeof admitMemberDataSchema>>;
/** Remove a unit from a bloc (council); never the flag holder. */
export type RemoveMember = Command<'RemoveMember', z.infer<typeof removeMemberDataSchema>>;
/** Hand the chair flag to the chair of a later term (council, or the holder). */
export type TransferChairFlag = Command<'TransferChairFlag', z.infer<typeof transferChairFlagDataSchema>>;
/** Record the deputy chair elected for a term (council, or the holder). */
export type ElectDeputyChair = Command<'ElectDeputyChair', z.infer<typeof electDeputyChairDataSchema>>;

/** Every command handled by the bloc decider. */
export type BlocCommand = EstablishBloc | AdmitMember | RemoveMember | TransferChairFlag | ElectDeputyChair;

/** Names of the bloc commands. */
export const BLOC_COMMANDS = ['EstablishBloc', 'AdmitMember', 'RemoveMember', 'TransferChairFlag', 'ElectDeputyChair'] as const;
