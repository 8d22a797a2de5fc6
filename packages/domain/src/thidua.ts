/**
 * The public write API: `createThidua({ eventStore }).execute(command)`.
 * Validates the envelope, routes the command to its aggregate module, loads
 * what the rules need from other streams, and appends through the kernel's
 * command handler (optimistic concurrency, bounded retry, idempotency by
 * `commandId`).
 */
import {
  StreamStateCache,
  ValidationError,
  type CommandResult,
  type EventStore,
  type RetryPolicy,
  type StreamStateCacheOptions,
  type TelemetryOption,
} from '@thidua/eventsourcing';
import { THIDUA_AGGREGATES } from './aggregates';
import type { HandlerTuning } from './aggregate';
import { parseThiduaCommand, type ThiduaCommand, type ThiduaCommandName } from './commands';
import { thiduaEventDefinitions } from './registry';

/** Options of {@link createThidua}. */
export interface CreateThiduaOptions {
  /**
   * The store holding the thidua streams. Create it with
   * `registry: thiduaRegistry` (or a registry holding its definitions), so
   * that payloads are validated on append and parsed on read; any other
   * store is refused.
   */
  eventStore: EventStore;
  /**
   * How a command that lost a race to another writer is tried again (each
   * try reloads and decides afresh); the kernel's `DEFAULT_RETRY_POLICY`
   * fills what is left out. After the last try it fails with `concurrency`.
   */
  retry?: Partial<RetryPolicy>;
  /** An OpenTelemetry span and metrics per command (off by default); give the event store its own `telemetry` too. */
  telemetry?: TelemetryOption;
  /**
   * The folded state of the bloc, campaign and pledge streams kept between
   * commands (a `StreamStateCache`, on by default with 2 000 streams): each
   * command then reads only the streams' tips, and the events appended since
   * the cached revision, instead of folding every stream again, and finds a
   * re-sent `commandId` through the cache's index. Checked against the tip
   * every time, so other processes' writes are seen. `false` turns it off.
   */
  stateCache?: StreamStateCacheOptions | false;
}

/** The thidua write side. */
export interface Thidua {
  /**
   * Runs one command. Resolves with the events appended (or, for a re-sent
   * `commandId`, those of the first time, with `duplicate: true`); rejects
   * with a typed error (`validation_failed`, `not_found`, `forbidden`,
   * `rule_violated`, `concurrency`) having appended nothing.
   */
  execute(command: unknown): Promise<CommandResult<unknown>>;
}

/**
 * The deciders fold events read back from the store as their own event
 * types: sound only when the store parses every payload with the domain's
 * definitions. So the store must hold those very definitions, not merely
 * types of the same names.
 */
function assertThiduaRegistry(eventStore: EventStore): void {
  const registry = eventStore.registry;
  const missing = thiduaEventDefinitions.filter((definition) => registry?.definition(definition.type) !== definition).map((definition) => definition.type);
  if (missing.length === 0) return;
  const message =
    registry === undefined
      ? `the event store "${eventStore.name}" was created without a registry; create it with registry: thiduaRegistry`
      : `the event store "${eventStore.name}" does not parse ${missing.join(', ')} with the domain's definitions; create it with registry: thiduaRegistry`;
  throw new ValidationError(`createThidua: ${message}`, [{ path: 'eventStore.registry', message }]);
}

/**
 * Creates the write side over an event store created with `thiduaRegistry`
 * (refused with `validation_failed` otherwise).
 *
 * @example
 * const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
 * const thidua = createThidua({ eventStore });
 * await thidua.execute({ command: 'EstablishBloc', commandId: 'c-1', actor: { id: 'hdtdkt', role: 'council' },
 *   data: { blocId: 'kt-kt', name: 'Khối Thi đua Kinh tế - Kỹ thuật', authority: 'UBND tỉnh Tây Ninh', establishedAt: '2013-01-02T08:00:00+07:00' } });
 */
export function createThidua(options: CreateThiduaOptions): Thidua {
  const { eventStore } = options;
  assertThiduaRegistry(eventStore);
  const tuning: HandlerTuning = {
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
    ...(options.telemetry !== undefined ? { telemetry: options.telemetry } : {}),
    ...(options.stateCache !== false ? { stateCache: new StreamStateCache(options.stateCache ?? {}) } : {}),
  };

  // Consistency of cross-aggregate rules. Each module's `loadContext` reads
  // the other streams (bloc, campaign, pledges) as committed at that moment,
  // and runs again on every retry; the append is guarded only by the
  // expected revision of the command's own stream. So a rule over another
  // aggregate holds against a recent committed snapshot of it, not under a
  // lock: a change committed to that other stream between the read and our
  // append is not seen (eventual consistency between aggregates, as in
  // Emmett or Marten). The phases narrow the window: pledges are signed and
  // scored only before scoring closes, and ranks and awards only after, so
  // totals cannot move under a ranking; what can still race (a withdrawal
  // landing just after a ranking) is caught by the rule that reads it next
  // (no award to an inactive pledge).
  const routes = new Map<ThiduaCommandName, (command: ThiduaCommand) => Promise<CommandResult<unknown>>>();
  for (const aggregate of THIDUA_AGGREGATES) {
    const handle = aggregate.handler(eventStore, tuning);
    for (const name of aggregate.commands) routes.set(name, handle);
  }

  return {
    async execute(input: unknown): Promise<CommandResult<unknown>> {
      const command = parseThiduaCommand(input);
      const handle = routes.get(command.command);
      // parseThiduaCommand accepts only the names the modules declare, so every parsed command has a route.
      if (handle === undefined) throw new Error(`thidua: no aggregate handles ${command.command}`);
      return handle(command);
    },
  };
}
