/**
 * The public write API: `createThidua({ eventStore }).execute(command)`.
 * Validates the envelope, routes the command to its decider and stream,
 * loads what the rules need from other streams, and appends through the
 * kernel's command handler (optimistic concurrency, bounded retry,
 * idempotency by `commandId`).
 */
import { assertNever, createCommandHandler, type CommandResult, type EventStore, type RetryPolicy, type TelemetryOption } from '@thidua/eventsourcing';
import { blocDecider } from './bloc/bloc.decider';
import { initialBlocState } from './bloc/bloc.state';
import { campaignDecider, type CampaignContext } from './campaign/campaign.decider';
import { parseThiduaCommand, type ThiduaCommand } from './commands';
import { loadBloc, loadCampaign, loadCampaignPledges, loadCampaignsOfYear } from './load';
import { campaignIdOfPledgeCommand, pledgeDecider, pledgeIdOfPledgeCommand, type PledgeContext } from './pledge/pledge.decider';
import { blocStream, campaignStream, pledgeStream } from './streams';

/** Options of {@link createThidua}. */
export interface CreateThiduaOptions {
  /**
   * The store holding the thidua streams. Create it with
   * `registry: thiduaRegistry`, so that payloads are validated on append and
   * parsed on read.
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
 * Creates the write side over an event store.
 *
 * @example
 * const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
 * const thidua = createThidua({ eventStore });
 * await thidua.execute({ command: 'EstablishBloc', commandId: 'c-1', actor: { id: 'hdtdkt', role: 'council' },
 *   data: { blocId: 'kt-kt', name: 'Khối Thi đua Kinh tế - Kỹ thuật', authority: 'UBND tỉnh Tây Ninh', establishedAt: '2013-01-02T08:00:00+07:00' } });
 */
export function createThidua(options: CreateThiduaOptions): Thidua {
  const { eventStore } = options;
  const retry = options.retry !== undefined ? { retry: options.retry } : {};
  const telemetry = options.telemetry !== undefined ? { telemetry: options.telemetry } : {};

  // Consistency of cross-aggregate rules. `loadContext` reads the other
  // streams (bloc, campaign, pledges) as committed at that moment, and runs
  // again on every retry; the append is guarded only by the expected revision
  // of the command's own stream. So a rule over another aggregate holds
  // against a recent committed snapshot of it, not under a lock: a change
  // committed to that other stream between the read and our append is not
  // seen (eventual consistency between aggregates, as in Emmett or Marten).
  // The phases narrow the window: pledges are signed and scored only before
  // scoring closes, and ranks and awards only after, so totals cannot move
  // under a ranking; what can still race (a withdrawal landing just after a
  // ranking) is caught by the rule that reads it next (no award to an
  // inactive pledge).
  const handleBloc = createCommandHandler({
    eventStore,
    decider: blocDecider,
    streamId: (command) => blocStream(command.data.blocId),
    ...retry,
    ...telemetry,
  });

  const handleCampaign = createCommandHandler({
    eventStore,
    decider: campaignDecider,
    streamId: (command) => campaignStream(command.data.campaignId),
    async loadContext(command, state): Promise<CampaignContext> {
      const blocId = command.command === 'LaunchCampaign' ? command.data.blocId : state.launched ? state.blocId : null;
      const bloc = blocId === null ? initialBlocState : await loadBloc(eventStore, blocId);
      const needsPledges = command.command === 'AssignRanks' || command.command === 'ProposeAward';
      const pledges = needsPledges && state.launched && bloc.established ? await loadCampaignPledges(eventStore, state, bloc) : [];
      if (command.command !== 'LaunchCampaign') return { bloc, pledges };
      // Two launches for one bloc and year racing each other can both pass this read; see docs/domain.md.
      return { bloc, pledges, campaignsOfYear: await loadCampaignsOfYear(eventStore, command.data.blocId, command.data.year) };
    },
    ...retry,
    ...telemetry,
  });

  const handlePledge = createCommandHandler({
    eventStore,
    decider: pledgeDecider,
    streamId: (command) => pledgeStream(pledgeIdOfPledgeCommand(command)),
    async loadContext(command): Promise<PledgeContext> {
      const campaign = await loadCampaign(eventStore, campaignIdOfPledgeCommand(command));
      const bloc = campaign.launched ? await loadBloc(eventStore, campaign.blocId) : initialBlocState;
      return { campaign, bloc };
    },
    ...retry,
    ...telemetry,
  });

  return {
    async execute(input: unknown): Promise<CommandResult<unknown>> {
      const command: ThiduaCommand = parseThiduaCommand(input);
      switch (command.command) {
        case 'EstablishBloc':
        case 'AdmitMember':
        case 'RemoveMember':
        case 'TransferChairFlag':
        case 'ElectDeputyChair':
          return handleBloc(command);
        case 'LaunchCampaign':
        case 'OpenScoring':
        case 'CloseScoring':
        case 'HoldReview':
        case 'AssignRanks':
        case 'ProposeAward':
        case 'CloseCampaign':
          return handleCampaign(command);
        case 'SignPledge':
        case 'RecordScore':
        case 'RecordAdjustment':
        case 'DisqualifyPledge':
        case 'WithdrawPledge':
          return handlePledge(command);
        default:
          return assertNever(command, 'command');
      }
    },
  };
}
