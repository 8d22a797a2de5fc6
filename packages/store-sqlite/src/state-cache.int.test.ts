import { createCommandHandler, RuleViolationError, StreamStateCache, type Command, type Decider, type DomainEvent, type EventStore } from '@thidua/eventsourcing';
import { tempDatabasePath } from './__fixtures__/sqlite-target';
import { createSqliteEventStore } from '.';

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

describe('SQLite: the command state cache and a second store handle on the same file', () => {
  const file = tempDatabasePath();
  const open: EventStore[] = [];
  afterAll(async () => {
    await Promise.all(open.map((store) => store.close()));
    file.remove();
  });

  it('never serves a state another handle has moved on from', async () => {
    const [one, two] = [createSqliteEventStore({ database: `sqlite:${file.path}` }), createSqliteEventStore({ database: `sqlite:${file.path}` })];
    open.push(one, two);
    const cache = new StreamStateCache();
    const handle = createCommandHandler({ eventStore: one, decider: counter, streamId: () => 'counter-1', stateCache: cache });
    const other = createCommandHandler({ eventStore: two, decider: counter, streamId: () => 'counter-1', stateCache: new StreamStateCache() });
    expect((await handle(add('a-1', 2))).state).toBe(2);
    expect((await other(add('b-1', 7))).state).toBe(9);
    // Cached at 2 in this handle's cache; the file says 9: 9 + 2 > 10 must be refused.
    await expect(handle(add('a-2', 2))).rejects.toMatchObject({ code: 'rule_violated' });
    const result = await handle(add('a-3', 1));
    expect([result.state, result.revision]).toEqual([10, 2n]);
    // The command the other handle ran is recognised here as a re-send, through this cache's index.
    expect(await handle(add('b-1', 7))).toMatchObject({ duplicate: true, state: 10 });
  });
});
