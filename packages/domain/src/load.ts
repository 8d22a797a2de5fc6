/**
 * Reading an aggregate's state straight from the store: the stream folded
 * with its decider's `evolve`. The command handler uses these to load the
 * other aggregates a rule needs; readers may use them for a quick look at one
 * stream (projections are the way to query many).
 */
import type { Decider, DomainEvent, EventStore, RecordedEvent, StreamStateCache } from '@thidua/eventsourcing';
import { blocDecider } from './bloc/bloc.decider';
import type { BlocState, EstablishedBloc } from './bloc/bloc.state';
import { campaignDecider } from './campaign/campaign.decider';
import type { CampaignState, LaunchedCampaign } from './campaign/campaign.state';
import { pledgeDecider } from './pledge/pledge.decider';
import type { PledgeState, SignedPledge } from './pledge/pledge.state';
import { blocStream, campaignStream, pledgeIdOf, pledgeStream } from './streams';

/**
 * Folds a stream with a decider. The store must be created with
 * `thiduaRegistry`: it parses every event on read, which is what makes the
 * cast from a recorded event to the decider's event type sound. With a
 * `cache`, the stream's folded state is reused when the stream's tip (read
 * first) says it is still current, and only newer events are folded.
 */
export async function loadStream<E extends DomainEvent, S>(
  eventStore: EventStore,
  streamId: string,
  decider: Pick<Decider<never, E, S, never>, 'initialState' | 'evolve'>,
  cache?: StreamStateCache,
): Promise<S> {
  if (cache) return (await cache.load(eventStore, streamId, decider)).state;
  const evolve = (state: S, event: RecordedEvent) => decider.evolve(state, event as unknown as E);
  return (await eventStore.aggregateStream(streamId, { initialState: () => decider.initialState(), evolve })).state;
}

/** The state of a bloc (`{ established: false }` when it does not exist). */
export function loadBloc(eventStore: EventStore, blocId: string, cache?: StreamStateCache): Promise<BlocState> {
  return loadStream(eventStore, blocStream(blocId), blocDecider, cache);
}

/** The state of a campaign (`{ launched: false }` when it does not exist). */
export function loadCampaign(eventStore: EventStore, campaignId: string, cache?: StreamStateCache): Promise<CampaignState> {
  return loadStream(eventStore, campaignStream(campaignId), campaignDecider, cache);
}

/** The state of a pledge (`{ signed: false }` when it does not exist). */
export function loadPledge(eventStore: EventStore, pledgeId: string, cache?: StreamStateCache): Promise<PledgeState> {
  return loadStream(eventStore, pledgeStream(pledgeId), pledgeDecider, cache);
}

/**
 * Every signed pledge of a campaign, any status. Only a member of the bloc can
 * sign, so the pledges are among the streams `pledge-<campaignId>.<unitId>`
 * of the units the bloc ever admitted: reading those few streams finds them
 * all without scanning the log.
 */
export async function loadCampaignPledges(
  eventStore: EventStore,
  campaign: LaunchedCampaign,
  bloc: EstablishedBloc,
  cache?: StreamStateCache,
): Promise<SignedPledge[]> {
  const states = await Promise.all(bloc.knownUnitIds.map((unitId) => loadPledge(eventStore, pledgeIdOf(campaign.campaignId, unitId), cache)));
  return states.filter((state): state is SignedPledge => state.signed);
}

/**
 * Ids of the campaigns launched for `blocId` and `year`, found through the
 * store's `CampaignLaunched` events (an indexed type filter in the durable
 * stores). Read once per launch, so its cost does not matter.
 */
export async function loadCampaignsOfYear(eventStore: EventStore, blocId: string, year: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of eventStore.readAll({ filter: { eventTypes: ['CampaignLaunched'] } })) {
    const data = event.data as { campaignId: string; blocId: string; year: number };
    if (data.blocId === blocId && data.year === year) ids.push(data.campaignId);
  }
  return ids;
}
