/**
 * v1 logs replay unchanged: the seeded random walks of `@thidua/domain/testing`
 * give, with today's code, exactly the v1 values recorded before domain v2
 * (see `v1-golden/README.md`) for every v1 key of every standings, and the
 * same documents in every projection whose documents did not change.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createThidua, thiduaRegistry } from '@thidua/domain';
import { onlyKeysOf, RandomCommands, RANDOM_BLOCS, RANDOM_YEARS, seededRandom } from '@thidua/domain/testing';
import { createInMemoryEventStore, createInMemoryProjectionStore, type ProjectionStore } from '@thidua/eventsourcing';
import { getYearEndStandings } from './readers';
import { createThiduaProjections, thiduaProjections } from './thidua-projections';

const golden = (file: string): unknown => JSON.parse(readFileSync(join(__dirname, 'v1-golden', file), 'utf8'));
const STANDINGS = golden('random-walk-standings.json') as Record<string, unknown[]>;
const DOCUMENTS = golden('random-walk-documents.sha256.json') as Record<string, Record<string, string>>;
const STEPS = 800;

/**
 * Projections whose stored documents are the same as in v1. The standings'
 * documents changed on purpose (v4 keeps titles, the catalogue, tiers,
 * classes and decisions), with a version bump; their v1 result is checked
 * key by key above instead. `year-summary` is new in v2.
 */
const UNCHANGED = thiduaProjections.map((projection) => projection.name).filter((name) => name !== 'standings' && name !== 'year-summary');

async function documentsDigest(store: ProjectionStore, name: string): Promise<string> {
  const docs = (await store.listDocuments(name)).map(({ key, doc }) => ({ key, doc: name === 'audit-trail' ? { ...(doc as object), eventId: null } : doc }));
  return createHash('sha256').update(JSON.stringify(docs)).digest('hex');
}

describe('v1 logs replay unchanged', () => {
  it.each(Object.keys(STANDINGS))('random walk %s', async (seed) => {
    const eventStore = createInMemoryEventStore({ registry: thiduaRegistry, clock: () => new Date('2014-01-01T00:00:00.000Z') });
    const thidua = createThidua({ eventStore });
    const walk = new RandomCommands(seededRandom(Number(seed)), eventStore);
    for (let step = 0; step < STEPS; step += 1) await thidua.execute(await walk.next()).catch(() => undefined);
    expect(String(await eventStore.headPosition())).toBe(DOCUMENTS[seed]!.head);

    const projectionStore = createInMemoryProjectionStore();
    await createThiduaProjections({ eventStore, projectionStore }).catchUp();
    const standings: unknown[] = [];
    for (const blocId of RANDOM_BLOCS) {
      for (const year of RANDOM_YEARS) {
        const found = await getYearEndStandings(projectionStore, { blocId, year });
        if (found) standings.push(found);
      }
    }
    expect(onlyKeysOf(standings, STANDINGS[seed])).toEqual(STANDINGS[seed]);
    for (const name of UNCHANGED) expect({ name, digest: await documentsDigest(projectionStore, name) }).toEqual({ name, digest: DOCUMENTS[seed]![name] });
  });
});
