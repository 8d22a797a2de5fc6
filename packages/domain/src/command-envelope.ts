/**
 * The shape every command shares (DESIGN §3): `{ command, commandId, actor,
 * data }`, plus the optional `correlationId`/`causationId` the kernel carries
 * into event metadata.
 */
import { z } from 'zod';
import { idSchema, textSchema, requiredOr } from './schemas';

/**
 * Who issues a command. `role` is any string here on purpose: an unknown role
 * is not malformed input but an actor who may do nothing, so it is refused as
 * `forbidden` by the deciders, not as `validation_failed`.
 */
export const actorSchema = z.object({
  id: textSchema(200),
  role: z.string(requiredOr('must be a role: council, chair, member or auditor')).min(1, { message: 'must not be empty' }),
  unitId: idSchema.optional(),
});

/** The idempotency key: re-sending a command with the same id appends nothing. */
export const commandIdSchema = z
  .string(requiredOr('must be a string (a uuid is a good choice)'))
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(200, { message: 'must be at most 200 characters' });

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
