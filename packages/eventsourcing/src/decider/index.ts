export { assertNever, fold, type Decider, type DomainEvent } from './decider';
