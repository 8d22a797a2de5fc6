/**
 * The shape every command shares: `{ command, commandId, actor,
 * data }`, plus the optional `correlationId`/`causationId` the kernel carries
 * into event metadata.
 */
import type { Command } from '@thidua/eventsourcing';
import { z } from 'zod';
import { idSchema, textSchema, requiredOr, storable } from './schemas';

/**
 * Who issues a command. `role` is any string here on purpose: an unknown role
 * is not malformed input but an actor who may do nothing, so it is refused as
 * `forbidden` by the deciders, not as `validation_failed`.
 */
export const actorSchema = z.object({
  id: textSchema(200),
  role: storable(z.string(requiredOr('must be a role: council, chair, member or auditor')).min(1, { message: 'must not be empty' })),
  unitId: idSchema.optional(),
});

/** The idempotency key: re-sending a command with the same id appends nothing. */
export const commandIdSchema = storable(
  z
    .string(requiredOr('must be a string (a uuid is a good choice)'))
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(200, { message: 'must be at most 200 characters' }),
);

/** Builds the envelope schema of one command. */
export function commandEnvelope<Name extends string, Data extends z.ZodType>(command: Name, data: Data) {
  return z.object({
    command: z.literal(command),
    commandId: commandIdSchema,
    actor: actorSchema,
    data,
    correlationId: commandIdSchema.optional(),
    causationId: commandIdSchema.optional(),
  });
}

/** An envelope schema built by {@link commandEnvelope}, as far as the helpers below read it. */
interface EnvelopeSchema {
  shape: { command: z.ZodLiteral<string>; data: z.ZodType };
}

/**
 * The command an envelope schema describes, as the deciders take it: the
 * kernel's `Command` with this name and the parsed `data`. Distributes over
 * a union of schemas, so one list of schemas gives an aggregate's commands.
 */
export type CommandOf<S> = S extends { shape: { command: z.ZodLiteral<infer Name extends string>; data: infer Data extends z.ZodType } }
  ? Command<Name, z.infer<Data>>
  : never;

/** The command names of a list of envelope schemas, in order: the list is the one place they are written. */
export function commandNames<const S extends readonly EnvelopeSchema[]>(schemas: S): readonly CommandOf<S[number]>['command'][] {
  // Each literal schema holds exactly one value: its command name.
  return schemas.map((schema) => schema.shape.command.value) as readonly CommandOf<S[number]>['command'][];
}
