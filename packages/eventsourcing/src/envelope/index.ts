export type { Actor, EventMetadata, NewEvent, RecordedEvent } from './envelope';
export { recordedFromJsonText, unparsedPayloadOf, withPayload } from './lazy-json-event';
