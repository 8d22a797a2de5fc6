import { UsageError } from './exit-codes';

/** The store packages the CLI loads on demand, by the URL scheme that needs them. */
export type StorePackage = '@thidua/store-sqlite' | '@thidua/store-postgres' | '@thidua/store-eventstoredb';

/**
 * Loads a store package the first time its URL is used. Only the default
 * store (SQLite) is a dependency of `@thidua/cli`; PostgreSQL and
 * EventStoreDB are optional peers, so a user of one store never installs
 * the drivers of the others. A package that is not installed is a usage
 * error that says what to install, not a stack trace.
 */
export async function loadStorePackage<T>(name: StorePackage, load: () => Promise<T>, store: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error, name)) {
      throw new UsageError(
        `--store ${store} needs the ${name} package, which is not installed: npm install ${name} (beside @thidua/cli)`,
        'store_package_missing',
      );
    }
    throw error;
  }
}

/** True when `error` says that `name` itself (not one of its own dependencies) cannot be found. */
export function isMissing(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  const message = typeof (error as { message?: unknown }).message === 'string' ? (error as { message: string }).message : '';
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && new RegExp(`['"]${name}['"]`).test(message);
}
