/**
 * The command envelope of the whole library: `{ command, commandId, actor,
 * data }`, discriminated on `command` (DESIGN §3). Every command entering
 * `createThidua().execute` is parsed here first, so a caller learns which
 * field is wrong and why before any rule runs.
 */
import { parseOrThrow, ValidationError } from '@thidua/eventsourcing';
import { z } from 'zod';
import { BLOC_COMMANDS, blocCommandSchemas, type BlocCommand } from './bloc/bloc.commands';
import { CAMPAIGN_COMMANDS, campaignCommandSchemas, type CampaignCommand } from './campaign/campaign.commands';
import { PLEDGE_COMMANDS, pledgeCommandSchemas, type PledgeCommand } from './pledge/pledge.commands';

/** Every command, by name: 5 bloc, 7 campaign and 5 pledge commands. */
export const THIDUA_COMMANDS = [...BLOC_COMMANDS, ...CAMPAIGN_COMMANDS, ...PLEDGE_COMMANDS] as const;

/** A command name. */
export type ThiduaCommandName = (typeof THIDUA_COMMANDS)[number];

/** The zod schema of any thidua command, discriminated on `command`. */
export const thiduaCommandSchema = z.discriminatedUnion('command', [...blocCommandSchemas, ...campaignCommandSchemas, ...pledgeCommandSchemas]);

/** Any thidua command, discriminated on `command`. */
export type ThiduaCommand = BlocCommand | CampaignCommand | PledgeCommand;

/**
 * Parses an incoming command, or throws `validation_failed` listing every
 * problem as `path: message` (e.g. `data.points: must have at most 2
 * decimals, e.g. 8.25`). An unknown command name is a validation failure too.
 */
export function parseThiduaCommand(input: unknown): ThiduaCommand {
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
