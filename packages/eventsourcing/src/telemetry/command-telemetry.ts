import type { Attributes } from '@opentelemetry/api';
import type { Command } from '../command-handler/command';
import type { CommandResult } from '../command-handler/command-handler';
import { ConcurrencyError } from '../errors/errors';
import { isThiduaError } from '../errors/thidua-error';
import { TelemetryAttributes as A } from './telemetry-names';
import type { TelemetryOption } from './telemetry-options';
import { errorType, recordFailure, resolveTelemetry, secondsSince, streamCategory } from './telemetry';

/** Codes that mean the command was refused as sent (its data, its actor, its rules), not that something failed. */
const REFUSALS: ReadonlySet<string> = new Set(['validation_failed', 'not_found', 'forbidden', 'rule_violated', 'command_id_reused']);

/** Traces one command: `run` does the work and calls `onAttempt` at the start of each load–decide–append attempt. */
export type TraceCommand = <S>(
  command: Command,
  streamId: string,
  run: (onAttempt: () => void) => Promise<CommandResult<S>>,
) => Promise<CommandResult<S>>;

/**
 * The command handler's hook, or `undefined` when telemetry is off (the
 * handler then calls nothing). One span per command, `handle <Command>`,
 * active while the command runs, so its reads and appends are its children.
 */
export function commandTelemetry(option: TelemetryOption | undefined): TraceCommand | undefined {
  const telemetry = resolveTelemetry(option);
  if (!telemetry) return undefined;
  const { tracer, api } = telemetry;

  return (command, streamId, run) => {
    const start = performance.now();
    const attributes: Attributes = {
      [A.commandName]: command.command,
      [A.messagingMessageId]: command.commandId,
      [A.messagingConversationId]: command.correlationId ?? command.commandId,
      [A.streamId]: streamId,
      [A.streamCategory]: streamCategory(streamId),
    };
    if (typeof command.actor?.role === 'string') attributes[A.actorRole] = command.actor.role;
    return tracer.startActiveSpan(`handle ${command.command}`, { kind: api.SpanKind.INTERNAL, attributes }, async (span) => {
      let attempts = 0;
      const record = (outcome: string, error?: unknown) => {
        span.setAttributes({ [A.commandOutcome]: outcome, [A.commandAttempts]: attempts });
        const metric: Attributes = { [A.commandName]: command.command, [A.commandOutcome]: outcome };
        if (error !== undefined) {
          metric[A.errorType] = errorType(error);
          if (isThiduaError(error, 'rule_violated') && typeof error.details.rule === 'string') span.setAttribute(A.commandRule, error.details.rule);
          recordFailure(telemetry, span, error);
        }
        span.end();
        const instruments = telemetry.instruments();
        instruments.commandDuration.record(secondsSince(start), metric);
        instruments.commandAttempts.record(attempts, { [A.commandName]: command.command, [A.commandOutcome]: outcome });
      };
      try {
        const result = await run(() => {
          attempts += 1;
        });
        span.setAttributes({ [A.commandDuplicate]: result.duplicate, [A.messagingBatchMessageCount]: result.events.length });
        if (result.revision !== null) span.setAttribute(A.streamRevision, Number(result.revision));
        record(result.duplicate ? 'duplicate' : result.events.length === 0 ? 'unchanged' : 'appended');
        return result;
      } catch (error) {
        record(commandFailure(error), error);
        throw error;
      }
    });
  };
}

/** Why a command did not go through: refused as sent, lost every race, or something failed. */
function commandFailure(error: unknown): string {
  if (error instanceof ConcurrencyError || isThiduaError(error, 'concurrency')) return 'conflict';
  if (isThiduaError(error) && REFUSALS.has(error.code)) return 'refused';
  return 'failed';
}
