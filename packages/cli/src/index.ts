/**
 * @packageDocumentation
 * `@thidua/cli`: the `thidua` command. Installed, it is the `thidua` binary
 * (`bin/thidua.js`); these exports let a host embed or script it.
 */

// Run the command line in-process: resolves with the exit code, never exits.
export { main, createProgram, type Finish, type GlobalOptions } from './main';
// The exit codes and the usage error behind code 2.
export { ExitCode, UsageError } from './exit-codes';
// `--store` / `--projections` URLs.
export {
  parseStoreUrl,
  parseProjectionsUrl,
  displayStoreUrl,
  ACCEPTED_STORE_FORMS,
  ACCEPTED_PROJECTION_FORMS,
  DEFAULT_STORE_URL,
  DEFAULT_ESDB_PROJECTIONS_URL,
  type StoreUrl,
} from './store-url';
// Opening the stores a URL names, with the thidua registry.
export { openStores, withStores, projectionsUrlFor, type OpenedStores, type StoreOptions } from './open-store';
