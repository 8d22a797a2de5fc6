import type { DomainEvent, EventDefinition } from '@thidua/eventsourcing';
import type { z } from 'zod';

/**
 * The event an event definition describes, as `decide` emits it and
 * `evolve` reads it: each event is defined once (`defineEvent`), and its
 * payload and event types are derived from that definition, never written
 * out beside it. Distributes over a union of definitions.
 *
 * @example
 * type ScoreEvent = EventOf<typeof ScoreRecorded>; // { type: 'ScoreRecorded'; data: { pledgeId: string; … } }
 */
export type EventOf<D> = D extends EventDefinition<infer Type, infer Schema> ? DomainEvent<Type, z.infer<Schema>> : never;
