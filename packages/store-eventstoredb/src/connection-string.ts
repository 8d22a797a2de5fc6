import { ValidationError } from '@thidua/eventsourcing';

/**
 * Schemes accepted for a connection string, and the one the official client
 * (6.x) understands. KurrentDB is EventStoreDB renamed: same gRPC protocol,
 * same query options, so only the scheme differs.
 */
const SCHEMES: ReadonlyMap<string, string> = new Map([
  ['esdb', 'esdb'],
  ['esdb+discover', 'esdb+discover'],
  ['kurrentdb', 'esdb'],
  ['kurrentdb+discover', 'esdb+discover'],
  ['kurrent', 'esdb'],
  ['kurrent+discover', 'esdb+discover'],
]);

/**
 * Maps `kurrentdb://` / `kurrent://` (and their `+discover` forms) to the
 * `esdb://` scheme the client parses; everything after the scheme (hosts,
 * credentials, `?tls=…&nodePreference=…&defaultDeadline=…`) is kept as it is.
 *
 * @example
 * toClientConnectionString('kurrentdb://db1:2113,db2:2113?nodePreference=leader');
 * // 'esdb://db1:2113,db2:2113?nodePreference=leader'
 */
export function toClientConnectionString(connectionString: string): string {
  const trimmed = connectionString.trim();
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(trimmed);
  const scheme = match?.[1]?.toLowerCase();
  const mapped = scheme === undefined ? undefined : SCHEMES.get(scheme);
  if (match === null || mapped === undefined) {
    throw new ValidationError(`Unsupported EventStoreDB connection string ${JSON.stringify(redact(trimmed))}`, [
      {
        path: 'connectionString',
        message: 'must start with esdb://, esdb+discover://, kurrentdb://, kurrentdb+discover://, kurrent:// or kurrent+discover://',
      },
    ]);
  }
  return `${mapped}://${trimmed.slice(match[0].length)}`;
}

/** Keeps passwords out of error messages. */
function redact(connectionString: string): string {
  return connectionString.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
