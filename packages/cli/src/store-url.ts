import { UsageError } from './exit-codes';

/** Where events (or projection documents) live, as parsed from a `--store` / `--projections` URL. */
export type StoreUrl =
  | { kind: 'memory'; url: string }
  | { kind: 'sqlite'; url: string; path: string }
  | { kind: 'postgres'; url: string; connectionString: string }
  | { kind: 'esdb'; url: string; connectionString: string };

/** The default event store: an SQLite file in the working directory. */
export const DEFAULT_STORE_URL = 'sqlite:./thidua.db';

/** Where projections of an EventStoreDB / KurrentDB log go unless `--projections` says otherwise. */
export const DEFAULT_ESDB_PROJECTIONS_URL = 'sqlite:./thidua-projections.db';

/** Every accepted `--store` form, one per line, for usage errors and `--help`. */
export const ACCEPTED_STORE_FORMS = [
  'memory:                              in this process only (gone when the command ends)',
  'sqlite:<path>                        an SQLite file, e.g. sqlite:./thidua.db (the default)',
  'postgres://… | postgresql://…        a PostgreSQL connection URL (?schema=<name> picks the schema, default thidua)',
  'esdb://… | esdb+discover://…         EventStoreDB, e.g. esdb://localhost:2113?tls=false',
  'kurrentdb://… | kurrentdb+discover://… | kurrent://…   KurrentDB (through @kurrent/kurrentdb-client when installed)',
] as const;

/** Every accepted `--projections` form. */
export const ACCEPTED_PROJECTION_FORMS = [
  'sqlite:<path>                        an SQLite file (default for EventStoreDB: sqlite:./thidua-projections.db)',
  'postgres://… | postgresql://…        a PostgreSQL connection URL (?schema=<name>, default thidua)',
  'memory:                              in this process only (rebuilt by every command)',
] as const;

const POSTGRES = /^postgres(?:ql)?:\/\//i;
const ESDB = /^(?:esdb|kurrentdb|kurrent)(?:\+discover)?:\/\//i;

function refuse(option: string, value: string, reason: string, forms: readonly string[]): never {
  throw new UsageError(
    `${option} ${JSON.stringify(value)}: ${reason}. Accepted forms:\n${forms.map((form) => `  ${form}`).join('\n')}`,
  );
}

/**
 * Parses a `--store` URL. Anything else is a {@link UsageError} (exit code 2)
 * that lists the accepted forms.
 *
 * `sqlite:` takes the rest as a file path, relative to the working directory
 * unless absolute; `sqlite://` is accepted too, so `sqlite:///tmp/t.db` is
 * `/tmp/t.db`.
 *
 * @example
 * parseStoreUrl('sqlite:./thidua.db'); // { kind: 'sqlite', path: './thidua.db', … }
 */
export function parseStoreUrl(value: string, option = '--store'): StoreUrl {
  const forms = option === '--projections' ? ACCEPTED_PROJECTION_FORMS : ACCEPTED_STORE_FORMS;
  if (value === 'memory:') return { kind: 'memory', url: value };
  if (/^sqlite:/i.test(value)) {
    let path = value.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path.trim() === '') refuse(option, value, 'sqlite: needs a file path', forms);
    return { kind: 'sqlite', url: value, path };
  }
  if (POSTGRES.test(value)) {
    if (!isUrl(value)) refuse(option, value, 'not a valid PostgreSQL connection URL', forms);
    const schema = new URL(value).searchParams.get('schema');
    if (schema !== null && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      refuse(option, value, 'schema must be letters, digits and _, not starting with a digit, at most 63 characters', forms);
    }
    return { kind: 'postgres', url: value, connectionString: value };
  }
  if (ESDB.test(value)) {
    if (value.slice(value.indexOf('://') + 3).trim() === '') {
      refuse(option, value, 'the connection string names no host', forms);
    }
    return { kind: 'esdb', url: value, connectionString: value };
  }
  return refuse(option, value, 'unknown store', forms);
}

/**
 * Parses a `--projections` URL: where projection documents and checkpoints go.
 * EventStoreDB keeps events only, so it is refused here.
 */
export function parseProjectionsUrl(value: string): StoreUrl {
  const parsed = parseStoreUrl(value, '--projections');
  if (parsed.kind === 'esdb') {
    refuse('--projections', value, 'EventStoreDB / KurrentDB holds events, not projection documents', ACCEPTED_PROJECTION_FORMS);
  }
  return parsed;
}

/** The URL as safe to print: a password in it is replaced by `***`. */
export function displayStoreUrl(store: StoreUrl): string {
  // A regex rather than `new URL`: EventStoreDB URLs may list several hosts, which URL refuses.
  return store.url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
