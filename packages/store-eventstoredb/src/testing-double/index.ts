/**
 * Test code only: the in-process EventStoreDB double and the conformance
 * target built on it. Not exported by the package, not published.
 */
export { comparePositions, DoubleLog, type LogPosition, type LogRecord } from './double-log';
export {
  startEventStoreDbDouble,
  type AppendFault,
  type EventStoreDbDouble,
  type EventStoreDbDoubleOptions,
  type SubscriptionRequest,
} from './double-server';
export { contractTarget, type ContractClient, type ContractTarget } from './contract-target';
