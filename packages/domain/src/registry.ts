/**
 * The registry of every thidua event. Create the event store with it
 * (`createInMemoryEventStore({ registry: thiduaRegistry })`, and the same
 * option for the SQLite, PostgreSQL and EventStoreDB stores): the store then
 * validates payloads on append and parses (and, in later versions, upcasts)
 * them on read, so `evolve` only ever sees current, valid events.
 */
import { createEventRegistry, type EventRegistry } from '@thidua/eventsourcing';
import { blocEventDefinitions, type BlocEvent } from './bloc/bloc.events';
import { campaignEventDefinitions, type CampaignEvent } from './campaign/campaign.events';
import { pledgeEventDefinitions, type PledgeEvent } from './pledge/pledge.events';

/** Every thidua event definition: 5 bloc, 7 campaign and 5 pledge events. */
export const thiduaEventDefinitions = [...blocEventDefinitions, ...campaignEventDefinitions, ...pledgeEventDefinitions] as const;

/** Every thidua event type name. */
export type ThiduaEventType = (typeof thiduaEventDefinitions)[number]['type'];

/** All thidua event types, in the order of DESIGN §3. */
export const THIDUA_EVENT_TYPES: readonly ThiduaEventType[] = thiduaEventDefinitions.map((definition) => definition.type);

/**
 * The event registry of the thidua log: pass it as `registry` to every event
 * store that holds thidua streams.
 */
export const thiduaRegistry: EventRegistry = createEventRegistry(thiduaEventDefinitions);

/** Any thidua event (`{ type, data }`), discriminated on `type`. */
export type ThiduaEvent = BlocEvent | CampaignEvent | PledgeEvent;
