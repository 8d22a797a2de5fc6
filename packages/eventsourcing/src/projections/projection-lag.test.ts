import { createInMemoryEventStore } from '../in-memory/in-memory-event-store';
import { createInMemoryProjectionLeases } from '../in-memory/in-memory-projection-leases';
import { createInMemoryProjectionStore } from '../in-memory/in-memory-projection-store';
import type { Projection } from './projection';
import { getProjectionLag } from './projection-lag';
import { createProjectionRunner } from './projection-runner';

const counting: Projection<{ n: number }> = {
  name: 'counting',
  version: 3,
  handles: ['Ticked'],
  keys: (e) => [e.streamId],
  apply: (e, docs) => docs.set(e.streamId, { n: (docs.get(e.streamId)?.n ?? 0) + 1 }),
};

describe('getProjectionLag', () => {
  const eventStore = createInMemoryEventStore();
  const projectionStore = createInMemoryProjectionStore();
  afterAll(async () => {
    await Promise.all([eventStore.close(), projectionStore.close()]);
  });
  const tick = (n: number) =>
    eventStore.appendToStream('s', Array.from({ length: n }, () => ({ type: 'Ticked', data: {} })));

  it('reports an empty log as nothing to do', async () => {
    expect(await getProjectionLag({ eventStore, projectionStore, names: ['counting'] })).toEqual({
      head: null,
      projections: [{ projection: 'counting', version: null, checkpoint: null, behind: 0n, caughtUp: true }],
    });
  });

  it('reports each checkpoint against the head, and a projection that never ran as behind by the whole log', async () => {
    await tick(4);
    await eventStore.appendToStream('other', [{ type: 'Ignored', data: {} }]);
    await createProjectionRunner({ eventStore, projectionStore, projection: counting }).catchUp();
    expect(await getProjectionLag({ eventStore, projectionStore, names: ['counting', 'never-ran'] })).toEqual({
      head: 5n,
      projections: [
        // Caught up includes the trailing event it does not handle.
        { projection: 'counting', version: 3, checkpoint: 5n, behind: 0n, caughtUp: true },
        { projection: 'never-ran', version: null, checkpoint: null, behind: 5n, caughtUp: false },
      ],
    });

    await tick(3);
    const [lag] = (await getProjectionLag({ eventStore, projectionStore, names: ['counting'] })).projections;
    expect(lag).toEqual({ projection: 'counting', version: 3, checkpoint: 5n, behind: 3n, caughtUp: false });
  });

  it('names the lease holder of each projection when given the leases', async () => {
    const leases = createInMemoryProjectionLeases();
    await leases.tryAcquire('counting', 'replica-2:4711', 60_000);
    const report = await getProjectionLag({ eventStore, projectionStore, names: ['counting', 'never-ran'], leases });
    expect(report.projections.map((p) => [p.projection, p.holder?.owner ?? null])).toEqual([
      ['counting', 'replica-2:4711'],
      ['never-ran', null],
    ]);
    expect(report.projections[1]).toHaveProperty('holder', null);
  });
});
