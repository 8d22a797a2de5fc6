/**
 * The command envelope of the whole library: `{ command, commandId, actor,
 * data }`, discriminated on `command`. Every command entering
 * `createThidua().execute` is parsed here first, so a caller learns which
 * field is wrong and why before any rule runs.
 */
import { parseOrThrow, ValidationError } from '@thidua/eventsourcing';
import { z } from 'zod';
import { THIDUA_AGGREGATES } from './aggregates';
import { blocCommandSchemas } from './bloc/bloc.commands';
import { campaignCommandSchemas } from './campaign/campaign.commands';
import type { CommandOf } from './command-envelope';
import { pledgeCommandSchemas } from './pledge/pledge.commands';

/** The zod schema of any thidua command, discriminated on `command`. */
export const thiduaCommandSchema = z.discriminatedUnion('command', [...blocCommandSchemas, ...campaignCommandSchemas, ...pledgeCommandSchemas]);

/** Any thidua command, discriminated on `command`. */
export type ThiduaCommand = CommandOf<(typeof thiduaCommandSchema)['options'][number]>;

/** A command name. */
export type ThiduaCommandName = ThiduaCommand['command'];

/** One command by name: `ThiduaCommandOf<'RecordScore'>`. */
export type ThiduaCommandOf<Name extends ThiduaCommandName> = Extract<ThiduaCommand, { command: Name }>;

/** Every command, by name, aggregate by aggregate. */
export const THIDUA_COMMANDS: readonly ThiduaCommandName[] = THIDUA_AGGREGATES.flatMap((aggregate): readonly ThiduaCommandName[] => aggregate.commands);

/**
 * `value` rebuilt from own enumerable properties only, recursively. zod reads
 * a field through the prototype chain, so without this an object whose
 * prototype says `role: 'council'` would parse as the council: what a caller
 * did not set on the object itself is not part of its command. A `__proto__`
 * key (as `JSON.parse` makes) stays an ordinary key, refused like any other
 * unknown one.
 */
function ownData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ownData);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, key, { value: ownData((value as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/**
 * Parses an incoming command, or throws `validation_failed` listing every
 * problem as `path: message` (e.g. `data.points: must have at most 2
 * decimals, e.g. 8.25`). An unknown command name is a validation failure too.
 */
export function parseThiduaCommand(raw: unknown): ThiduaCommand {
  const input = ownData(raw);
  const name = typeof input === 'object' && input !== null ? (input as { command?: unknown }).command : undefined;
  if (typeof name !== 'string' || !(THIDUA_COMMANDS as readonly string[]).includes(name)) {
    const message = `${name === undefined ? 'is required' : `unknown command ${JSON.stringify(name)}`}; expected one of ${THIDUA_COMMANDS.join(', ')}`;
    throw new ValidationError(`Invalid command: command: ${message}`, [{ path: 'command', message, code: 'invalid_union' }]);
  }
  const parsed = parseOrThrow(thiduaCommandSchema, input, `${name} command`);
  const { actor, correlationId, causationId, ...rest } = parsed;
  // Optional keys are dropped rather than kept as `undefined`, so the command
  // matches the kernel's `Command` under exactOptionalPropertyTypes and the
  // metadata written from it is the same JSON in every store. The cast only
  // re-joins the union zod split into parts; each part was just validated.
  return {
    ...rest,
    actor: { id: actor.id, role: actor.role, ...(actor.unitId !== undefined ? { unitId: actor.unitId } : {}) },
    ...(correlationId !== undefined ? { correlationId } : {}),
    ...(causationId !== undefined ? { causationId } : {}),
  } as ThiduaCommand;
}
