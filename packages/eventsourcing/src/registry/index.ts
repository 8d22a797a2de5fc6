export {
  createEventRegistry,
  defineEvent,
  EventRegistry,
  type EventDefinition,
  type EventVersionHistory,
  type VersionedPayload,
} from './event-registry';
