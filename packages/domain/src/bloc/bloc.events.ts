/**
 * Bloc events (khối / cụm thi đua), DESIGN §3. One zod schema per event; the
 * types come from the schemas. Payloads never hold `undefined` values: an
 * absent optional field is left out, so the canonical JSON (and the hash
 * chain) is the same in every store.
 */
import { defineEvent, type DomainEvent } from '@thidua/eventsourcing';
import { z } from 'zod';
import { dateTimeSchema, idSchema, textSchema, yearSchema } from '../schemas';

/** The authority (the provincial council) set up a bloc. */
export const blocEstablishedSchema = z.object({
  blocId: idSchema,
  name: textSchema(),
  authority: textSchema(),
  establishedAt: dateTimeSchema,
});
/** Payload of `BlocEstablished`. */
export type BlocEstablishedData = z.infer<typeof blocEstablishedSchema>;
/** Event definition of `BlocEstablished` (v1). */
export const BlocEstablished = defineEvent('BlocEstablished', blocEstablishedSchema);
/** A `BlocEstablished` event as `decide` emits and `evolve` reads it. */
export type BlocEstablishedEvent = DomainEvent<'BlocEstablished', BlocEstablishedData>;

/** A unit joined the bloc. */
export const memberAdmittedSchema = z.object({
  blocId: idSchema,
  unitId: idSchema,
  unitName: textSchema(),
  admittedAt: dateTimeSchema,
});
/** Payload of `MemberAdmitted`. */
export type MemberAdmittedData = z.infer<typeof memberAdmittedSchema>;
/** Event definition of `MemberAdmitted` (v1). */
export const MemberAdmitted = defineEvent('MemberAdmitted', memberAdmittedSchema);
/** A `MemberAdmitted` event. */
export type MemberAdmittedEvent = DomainEvent<'MemberAdmitted', MemberAdmittedData>;

/** A unit left the bloc. */
export const memberRemovedSchema = z.object({
  blocId: idSchema,
  unitId: idSchema,
  reason: textSchema(2000),
  removedAt: dateTimeSchema,
});
/** Payload of `MemberRemoved`. */
export type MemberRemovedData = z.infer<typeof memberRemovedSchema>;
/** Event definition of `MemberRemoved` (v1). */
export const MemberRemoved = defineEvent('MemberRemoved', memberRemovedSchema);
/** A `MemberRemoved` event. */
export type MemberRemovedEvent = DomainEvent<'MemberRemoved', MemberRemovedData>;

/**
 * The rotating chair flag (cờ luân lưu khối trưởng) passed to the chair of
 * `termYear`. `fromUnitId` is `null` for the bloc's first chair.
 */
export const chairFlagTransferredSchema = z.object({
  blocId: idSchema,
  fromUnitId: idSchema.nullable(),
  toUnitId: idSchema,
  termYear: yearSchema,
  decisionRef: textSchema(200).optional(),
  transferredAt: dateTimeSchema,
});
/** Payload of `ChairFlagTransferred`. */
export type ChairFlagTransferredData = z.infer<typeof chairFlagTransferredSchema>;
/** Event definition of `ChairFlagTransferred` (v1). */
export const ChairFlagTransferred = defineEvent('ChairFlagTransferred', chairFlagTransferredSchema);
/** A `ChairFlagTransferred` event. */
export type ChairFlagTransferredEvent = DomainEvent<'ChairFlagTransferred', ChairFlagTransferredData>;

/** The bloc elected its deputy chair (khối phó) for `termYear`. */
export const deputyChairElectedSchema = z.object({
  blocId: idSchema,
  unitId: idSchema,
  termYear: yearSchema,
  electedAt: dateTimeSchema,
});
/** Payload of `DeputyChairElected`. */
export type DeputyChairElectedData = z.infer<typeof deputyChairElectedSchema>;
/** Event definition of `DeputyChairElected` (v1). */
export const DeputyChairElected = defineEvent('DeputyChairElected', deputyChairElectedSchema);
/** A `DeputyChairElected` event. */
export type DeputyChairElectedEvent = DomainEvent<'DeputyChairElected', DeputyChairElectedData>;

/** Every event of a bloc stream. */
export type BlocEvent =
  | BlocEstablishedEvent
  | MemberAdmittedEvent
  | MemberRemovedEvent
  | ChairFlagTransferredEvent
  | DeputyChairElectedEvent;

/** The bloc's event definitions, for the registry. */
export const blocEventDefinitions = [
  BlocEstablished,
  MemberAdmitted,
  MemberRemoved,
  ChairFlagTransferred,
  DeputyChairElected,
] as const;
