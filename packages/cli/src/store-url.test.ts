import { UsageError } from './exit-codes';
import { projectionsUrlFor, postgresConnection } from './open-store';
import { ACCEPTED_STORE_FORMS, displayStoreUrl, parseProjectionsUrl, parseStoreUrl } from './store-url';

describe('--store URLs', () => {
  it('parses every accepted form', () => {
    expect(parseStoreUrl('memory:')).toEqual({ kind: 'memory', url: 'memory:' });
    expect(parseStoreUrl('sqlite:./thidua.db')).toMatchObject({ kind: 'sqlite', path: './thidua.db' });
    expect(parseStoreUrl('sqlite:/var/lib/thidua.db')).toMatchObject({ kind: 'sqlite', path: '/var/lib/thidua.db' });
    expect(parseStoreUrl('sqlite:///var/lib/thidua.db')).toMatchObject({ kind: 'sqlite', path: '/var/lib/thidua.db' });
    expect(parseStoreUrl('postgres://u@localhost:5432/db')).toMatchObject({ kind: 'postgres', connectionString: 'postgres://u@localhost:5432/db' });
    expect(parseStoreUrl('postgresql://localhost/db')).toMatchObject({ kind: 'postgres' });
    for (const url of ['esdb://localhost:2113?tls=false', 'esdb+discover://cluster:2113', 'kurrentdb://a:2113,b:2113', 'kurrent://localhost:2113']) {
      expect(parseStoreUrl(url)).toMatchObject({ kind: 'esdb', connectionString: url });
    }
  });

  it.each(['', 'foo', 'sqlite:', 'mysql://localhost/db', 'postgres://h:99999/db', 'esdb://', 'memory', 'postgres://h/db?schema=1bad'])(
    'refuses %j as a usage error listing the accepted forms',
    (url) => {
      let error: unknown;
      try {
        parseStoreUrl(url);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UsageError);
      for (const form of ACCEPTED_STORE_FORMS) expect((error as UsageError).message).toContain(form);
    },
  );

  it('keeps projections in the event store\'s database, in memory for memory:, and in SQLite beside EventStoreDB', () => {
    expect(projectionsUrlFor(parseStoreUrl('sqlite:./a.db'), undefined)).toMatchObject({ kind: 'sqlite', path: './a.db' });
    expect(projectionsUrlFor(parseStoreUrl('postgres://h/db'), undefined)).toMatchObject({ kind: 'postgres' });
    expect(projectionsUrlFor(parseStoreUrl('memory:'), undefined)).toMatchObject({ kind: 'memory' });
    expect(projectionsUrlFor(parseStoreUrl('esdb://h:2113'), undefined)).toMatchObject({ kind: 'sqlite', path: './thidua-projections.db' });
    expect(projectionsUrlFor(parseStoreUrl('esdb://h:2113'), 'postgres://h/db')).toMatchObject({ kind: 'postgres' });
    expect(() => parseProjectionsUrl('esdb://h:2113')).toThrow(UsageError);
  });

  it('takes the schema out of a PostgreSQL URL', () => {
    expect(postgresConnection('postgres://u@h:5432/db?schema=t1&sslmode=disable')).toEqual({
      connectionString: 'postgres://u@h:5432/db?sslmode=disable',
      schema: 't1',
    });
    expect(postgresConnection('postgres://u@h/db')).toEqual({ connectionString: 'postgres://u@h/db' });
  });

  it('masks passwords when printing a URL', () => {
    expect(displayStoreUrl(parseStoreUrl('postgres://me:secret@h/db'))).toBe('postgres://me:***@h/db');
    expect(displayStoreUrl(parseStoreUrl('esdb://admin:changeit@a:2113,b:2113?tls=false'))).toBe('esdb://admin:***@a:2113,b:2113?tls=false');
    expect(displayStoreUrl(parseStoreUrl('sqlite:./x.db'))).toBe('sqlite:./x.db');
  });
});
