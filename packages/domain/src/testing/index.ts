/**
 * @packageDocumentation
 * `@thidua/domain/testing`: fixtures for the tests of code built on the
 * domain (hosts, stores, tools). Never loaded by the main entry.
 */

// A small, complete campaign as commands: setup to scoring open, then the rest of the year.
export { smallCampaign, council, type SmallCampaign, type FixtureCommand } from './small-campaign';
