/**
 * The registry of every thidua event. Create the event store with it
 * (`createInMemoryEventStore({ registry: thiduaRegistry })`, and the same
 * option for the SQLite, PostgreSQL and EventStoreDB stores): the store then
 * validates payloads on append and parses (and, in later versions, upcasts)
 * them on read, so `evolve` only ever sees current, valid events.
 */
import { createEventRegistry, type EventRegistry } from '@thidua/eventsourcing';
import { blocEventDefinitions } from './bloc/bloc.events';
import { campaignEventDefinitions } from './campaign/campaign.events';
import type { EventOf } from './event-types';
import { pledgeEventDefinitions } from './pledge/pledge.events';

/** Every thidua event definition, aggregate by aggregate. */
export const thiduaEventDefinitions = [...blocEventDefinitions, ...campaignEventDefinitions, ...pledgeEventDefinitions] as const;

/** Every thidua event type name. */
export type ThiduaEventType = (typeof thiduaEventDefinitions)[number]['type'];

/** All thidua event types, in the order of the domain contract. */
export const THIDUA_EVENT_TYPES: readonly ThiduaEventType[] = thiduaEventDefinitions.map((definition) => definition.type);

/**
 * The event registry of the thidua log: pass it as `registry` to every event
 * store that holds thidua streams.
 */
export const thiduaRegistry: EventRegistry = createEventRegistry(thiduaEventDefinitions);

/** Any thidua event (`{ type, data }`), discriminated on `type`. */
export type ThiduaEvent = EventOf<(typeof thiduaEventDefinitions)[number]>;

/** One event by type: `ThiduaEventOf<'ScoreRecorded'>`. */
export type ThiduaEventOf<Type extends ThiduaEventType> = Extract<ThiduaEvent, { type: Type }>;

/** The payload of one event type: `ThiduaEventData<'ScoreRecorded'>`. */
export type ThiduaEventData<Type extends ThiduaEventType> = ThiduaEventOf<Type>['data'];
