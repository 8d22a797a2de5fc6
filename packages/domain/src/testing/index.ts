/**
 * @packageDocumentation
 * `@thidua/domain/testing`: fixtures for the tests of code built on the
 * domain (hosts, stores, tools). Never loaded by the main entry.
 */

// A small, complete campaign as commands: setup to scoring open, then the rest of the year.
export { smallCampaign, council, type SmallCampaign, type FixtureCommand } from './small-campaign';
// Seeded walks of valid and invalid commands, the same on every machine.
export { RandomCommands, seededRandom, RANDOM_BLOCS, RANDOM_CRITERIA, RANDOM_UNITS, RANDOM_YEARS, type SeededRandom } from './random-commands';
// What an older reader sees of a newer result: for "every old key kept its value" checks.
export { onlyKeysOf } from './shape-of';
