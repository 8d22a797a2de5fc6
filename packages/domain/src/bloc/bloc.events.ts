/**
 * Bloc events (khối / cụm thi đua). One definition per event, its zod
 * schema inline; every type comes from the definitions (see `EventOf`).
 * Payloads never hold `undefined` values: an absent optional field is left
 * out, so the canonical JSON (and the hash chain) is the same in every store.
 */
import { defineEvent } from '@thidua/eventsourcing';
import { z } from 'zod';
import type { EventOf } from '../event-types';
import { dateTimeSchema, idSchema, textSchema, yearSchema } from '../schemas';

/** The authority (the provincial council) set up a bloc. */
export const BlocEstablished = defineEvent(
  'BlocEstablished',
  z.object({ blocId: idSchema, name: textSchema(), authority: textSchema(), establishedAt: dateTimeSchema }),
);

/** A unit joined the bloc. */
export const MemberAdmitted = defineEvent(
  'MemberAdmitted',
  z.object({ blocId: idSchema, unitId: idSchema, unitName: textSchema(), admittedAt: dateTimeSchema }),
);

/** A unit left the bloc. */
export const MemberRemoved = defineEvent(
  'MemberRemoved',
  z.object({ blocId: idSchema, unitId: idSchema, reason: textSchema(2000), removedAt: dateTimeSchema }),
);

/**
 * The rotating chair flag (cờ luân lưu khối trưởng) passed to the chair of
 * `termYear`. `fromUnitId` is `null` for the bloc's first chair.
 */
export const ChairFlagTransferred = defineEvent(
  'ChairFlagTransferred',
  z.object({
    blocId: idSchema,
    fromUnitId: idSchema.nullable(),
    toUnitId: idSchema,
    termYear: yearSchema,
    decisionRef: textSchema(200).optional(),
    transferredAt: dateTimeSchema,
  }),
);

/** The bloc elected its deputy chair (khối phó) for `termYear`. */
export const DeputyChairElected = defineEvent(
  'DeputyChairElected',
  z.object({ blocId: idSchema, unitId: idSchema, termYear: yearSchema, electedAt: dateTimeSchema }),
);

/** The bloc's event definitions, for the registry. */
export const blocEventDefinitions = [BlocEstablished, MemberAdmitted, MemberRemoved, ChairFlagTransferred, DeputyChairElected] as const;

/** Every event of a bloc stream. */
export type BlocEvent = EventOf<(typeof blocEventDefinitions)[number]>;
