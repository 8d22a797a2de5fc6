export type { Command } from './command';
export { eventIdFor, THIDUA_EVENT_NAMESPACE } from './event-ids';
export {
  createCommandHandler,
  type CommandHandlerOptions,
  type CommandResult,
} from './command-handler';
export { StreamStateCache, type CachedStream, type CommandPlace, type StreamFold, type StreamStateCacheOptions } from './stream-state-cache';
