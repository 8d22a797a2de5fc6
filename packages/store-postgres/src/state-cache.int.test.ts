import { createCommandHandler, RuleViolationError, StreamStateCache, type Command, type Decider, type DomainEvent, type EventStore } from '@thidua/eventsourcing';
import { describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresEventStore } from './postgres-event-store';

type Add = Command<'Add', { n: number }>;
type Added = DomainEvent<'Added', { n: number }>;
/** A counter that never goes above 10: a rule a stale state would let through. */
const counter: Decider<Add, Added, number> = {
  initialState: () => 0,
  decide(command, state) {
    if (state + command.data.n > 10) throw new RuleViolationError('counter.over_ten', 'A counter never exceeds 10');
    return [{ type: 'Added', data: { n: command.data.n } }];
  },
  evolve: (state, event) => state + event.data.n,
};
const add = (commandId: string, n: number): Add => ({ command: 'Add', commandId, actor: { id: 't', role: 'council' }, data: { n } });

describePostgres('PostgreSQL: the command state cache and a second store on the same schema', () => {
  const schemas = testSchemas('statecache');
  const open: EventStore[] = [];
  afterAll(async () => {
    await Promise.all(open.map((store) => store.close()));
  });

  it('never serves a state another store has moved on from', async () => {
    const schema = schemas.next();
    const [one, two] = [createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema }), createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema })];
    open.push(one, two);
    const handle = createCommandHandler({ eventStore: one, decider: counter, streamId: () => 'counter-1', stateCache: new StreamStateCache() });
    const other = createCommandHandler({ eventStore: two, decider: counter, streamId: () => 'counter-1', stateCache: new StreamStateCache() });
    expect((await handle(add('a-1', 2))).state).toBe(2);
    expect((await other(add('b-1', 7))).state).toBe(9);
    // Cached at 2 in this store's cache; the schema says 9: 9 + 2 > 10 must be refused.
    await expect(handle(add('a-2', 2))).rejects.toMatchObject({ code: 'rule_violated' });
    const result = await handle(add('a-3', 1));
    expect([result.state, result.revision]).toEqual([10, 2n]);
    expect(await handle(add('b-1', 7))).toMatchObject({ duplicate: true, state: 10 });
  });
});
