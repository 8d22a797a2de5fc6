import { createInMemoryEventStore } from '@thidua/eventsourcing';
import { at, BLOC } from './fixtures.test-helper';
import { THIDUA_EVENT_TYPES, thiduaRegistry } from './registry';
import { blocStream } from './streams';

describe('thiduaRegistry', () => {
  it('registers every event of the domain contract, at version 1 but for the two payloads v2 changed', () => {
    expect([...THIDUA_EVENT_TYPES].sort()).toEqual(
      [
        'BlocEstablished',
        'MemberAdmitted',
        'MemberRemoved',
        'ChairFlagTransferred',
        'DeputyChairElected',
        'CampaignLaunched',
        'ScoringOpened',
        'ScoringClosed',
        'ReviewHeld',
        'RankAssigned',
        'AwardProposed',
        'CampaignClosed',
        'AwardDecided',
        'PledgesClassified',
        'PledgeSigned',
        'ScoreRecorded',
        'AdjustmentRecorded',
        'PledgeDisqualified',
        'PledgeWithdrawn',
      ].sort(),
    );
    expect(thiduaRegistry.types().sort()).toEqual([...THIDUA_EVENT_TYPES].sort());
    const changedInV2 = ['CampaignLaunched', 'AwardProposed'];
    for (const type of THIDUA_EVENT_TYPES) expect([type, thiduaRegistry.currentVersion(type)]).toEqual([type, changedInV2.includes(type) ? 2 : 1]);
  });

  it('makes the store refuse an invalid payload, naming the field', async () => {
    const store = createInMemoryEventStore({ registry: thiduaRegistry });
    await expect(
      store.appendToStream(blocStream(BLOC), [{ type: 'BlocEstablished', data: { blocId: BLOC, name: '', authority: 'UBND', establishedAt: '2013-01-02' } }]),
    ).rejects.toMatchObject({ code: 'validation_failed', issues: expect.arrayContaining([expect.objectContaining({ path: 'name' }), expect.objectContaining({ path: 'establishedAt' })]) });
    expect(await store.headPosition()).toBeNull();
    await store.close();
  });

  it('accepts a valid payload and reads it back parsed', async () => {
    const store = createInMemoryEventStore({ registry: thiduaRegistry });
    const data = { blocId: BLOC, fromUnitId: null, toUnitId: 'so-tt-tt', termYear: 2013, transferredAt: at('2013-01-05') };
    await store.appendToStream(blocStream(BLOC), [{ type: 'ChairFlagTransferred', data }]);
    const read = [];
    for await (const event of store.readStream(blocStream(BLOC))) read.push(event);
    expect(read.map((e) => e.data)).toEqual([data]);
    await store.close();
  });
});
