/**
 * v1 events read back through v2's registry, from every store: a v1
 * `CampaignLaunched` and `AwardProposed` stay stored as written (version 1,
 * their bytes and hashes untouched) and are read as version 2, with the
 * same data; the campaign folds from them exactly as v1 did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventStore, verifyChains, type EventStore, type RecordedEvent } from '@thidua/eventsourcing';
import { createPostgresEventStore } from '@thidua/store-postgres';
import { createSqliteEventStore } from '@thidua/store-sqlite';
import { createTestSchema, describePostgres, TEST_DATABASE_URL } from '@thidua/store-postgres/testing';
import { campaignModule, campaignStream, thiduaRegistry } from '@thidua/domain';

const CAMPAIGN = 'kt-kt-2013';
const V1_LAUNCH = {
  campaignId: CAMPAIGN,
  blocId: 'kt-kt',
  year: 2013,
  title: 'Phong trào thi đua năm 2013',
  criteria: [{ criterionId: 'c1', title: 'Nhiệm vụ chính trị', maxPoints: 10 }],
  bonusCap: 2,
  awardQuotas: { 'provincial-flag': 1, 'government-flag': 2, 'certificate-of-merit': 3 },
  launchedAt: '2013-01-15T08:00:00+07:00',
};
const V1_PROPOSAL = { campaignId: CAMPAIGN, unitId: 'so-nn-ptnt', award: 'government-flag', proposedAt: '2014-02-14T08:00:00+07:00' };

async function readAll(store: EventStore, raw = false): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(campaignStream(CAMPAIGN), { raw })) events.push(event);
  return events;
}

function describeUpcasts(name: string, open: () => Promise<EventStore>): void {
  describe(`v1 events read back from ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await open();
      await store.appendToStream(campaignStream(CAMPAIGN), [
        { type: 'CampaignLaunched', schemaVersion: 1, data: V1_LAUNCH },
        { type: 'ScoringOpened', data: { campaignId: CAMPAIGN, at: '2013-11-01T08:00:00+07:00' } },
        { type: 'ScoringClosed', data: { campaignId: CAMPAIGN, at: '2014-01-31T08:00:00+07:00' } },
        { type: 'AwardProposed', schemaVersion: 1, data: V1_PROPOSAL },
      ]);
    });
    afterAll(async () => {
      await store.close();
    });

    it('are stored as written (version 1) and read as version 2 with the same data', async () => {
      const raw = await readAll(store, true);
      expect(raw.map((event) => [event.type, event.schemaVersion])).toEqual([['CampaignLaunched', 1], ['ScoringOpened', 1], ['ScoringClosed', 1], ['AwardProposed', 1]]);
      const read = await readAll(store);
      expect(read.map((event) => [event.type, event.schemaVersion])).toEqual([['CampaignLaunched', 2], ['ScoringOpened', 1], ['ScoringClosed', 1], ['AwardProposed', 2]]);
      expect(read[0]?.data).toEqual(V1_LAUNCH);
      expect(read[3]?.data).toEqual(V1_PROPOSAL);
      expect((await verifyChains(raw)).firstBreak).toBeNull();
    });

    it('fold into v1’s catalogue: three awards from the quotas, flags eligible down to the number of flags', async () => {
      const state = (await readAll(store)).reduce(
        (current, event) => campaignModule.decider.evolve(current, event as unknown as Parameters<typeof campaignModule.decider.evolve>[1]),
        campaignModule.decider.initialState(),
      );
      if (!state.launched) throw new Error('the campaign did not fold');
      expect(state.awardQuotas).toEqual(V1_LAUNCH.awardQuotas);
      expect(state.catalogue.map((award) => [award.awardId, award.quota, award.maxRank ?? null])).toEqual([
        ['provincial-flag', 1, 3],
        ['government-flag', 2, 3],
        ['certificate-of-merit', 3, null],
      ]);
      expect(state.awards).toEqual([{ unitId: 'so-nn-ptnt', award: 'government-flag', proposedAt: V1_PROPOSAL.proposedAt }]);
    });
  });
}

describeUpcasts('memory', async () => createInMemoryEventStore({ registry: thiduaRegistry }));

describe('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thidua-upcast-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  describeUpcasts('SQLite', async () => createSqliteEventStore({ database: join(dir, 'thidua.db'), registry: thiduaRegistry }));
});

describePostgres('postgres', () => {
  const schema = createTestSchema('v1events');
  afterAll(() => schema.drop());
  describeUpcasts('PostgreSQL', async () => createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema: schema.name, registry: thiduaRegistry }));
});
