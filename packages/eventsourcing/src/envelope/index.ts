export type { Actor, EventMetadata, NewEvent, RecordedEvent } from './envelope';
