import { EventStoreDBClient } from '@eventstore/db-client';
import { toClientConnectionString } from './connection-string';

describe('connection strings', () => {
  it.each([
    ['esdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    ['esdb+discover://cluster.example:2113', 'esdb+discover://cluster.example:2113'],
    ['kurrentdb://a:2113,b:2113,c:2113?nodePreference=leader', 'esdb://a:2113,b:2113,c:2113?nodePreference=leader'],
    ['KurrentDB+Discover://admin:changeit@cluster.example:2113', 'esdb+discover://admin:changeit@cluster.example:2113'],
    ['kurrent://localhost:2113?tls=false&defaultDeadline=5000', 'esdb://localhost:2113?tls=false&defaultDeadline=5000'],
    ['kurrent+discover://cluster.example', 'esdb+discover://cluster.example'],
  ])('reads %s as %s, which the client accepts', (given, expected) => {
    const mapped = toClientConnectionString(given);
    expect(mapped).toBe(expected);
    expect(() => EventStoreDBClient.connectionString(mapped)).not.toThrow();
  });

  it('refuses other schemes with validation_failed, without echoing the password', () => {
    let caught: unknown;
    try {
      toClientConnectionString('postgres://admin:s3cret@localhost/db');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'validation_failed' });
    expect((caught as Error).message).not.toContain('s3cret');
    expect(() => toClientConnectionString('localhost:2113')).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});
