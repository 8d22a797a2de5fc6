import { createInMemoryProjectionStore, type Actor } from '@thidua/eventsourcing';
import { getAuditTrail } from '../readers';
import { createThiduaProjections } from '../thidua-projections';
import { createTestLog, on, seedCampaign } from '../thidua-log.test-helper';

describe('audit-trail projection', () => {
  async function setup() {
    const log = createTestLog();
    const seeded = await seedCampaign(log, { units: { a: 'Đơn vị A', b: 'Đơn vị B' } });
    const member: Actor = { id: 'nguyen-van-a', role: 'member', unitId: 'a' };
    const chair: Actor = { id: 'tran-thi-b', role: 'chair', unitId: 'b' };
    log.advance(60_000);
    const self = await log.append(
      'ScoreRecorded',
      { pledgeId: seeded.pledgeId('a'), criterionId: 'c1', points: 9, assessor: 'self', note: 'Tự chấm', scoredAt: on('2013-11-01') },
      member,
    );
    log.advance(60_000);
    const verified = await log.append(
      'ScoreRecorded',
      { pledgeId: seeded.pledgeId('a'), criterionId: 'c1', points: 8.5, assessor: 'verified', scoredAt: on('2013-12-01') },
      chair,
    );
    const projectionStore = createInMemoryProjectionStore();
    await createThiduaProjections({ eventStore: log.eventStore, projectionStore }).catchUp();
    return { log, seeded, projectionStore, self, verified, member, chair };
  }

  it('records who did what, when (business and recorded time), under which command, per stream', async () => {
    const { projectionStore, seeded, self, verified, log } = await setup();
    const trail = await getAuditTrail(projectionStore, { streamId: `pledge-${seeded.pledgeId('a')}` });
    expect(trail.map((e) => [e.revision, e.type])).toEqual([
      ['0', 'PledgeSigned'],
      ['1', 'ScoreRecorded'],
      ['2', 'ScoreRecorded'],
    ]);
    const [signed, selfEntry, verifiedEntry] = trail;
    expect(signed).toMatchObject({ businessAt: on('2013-01-15'), actor: { id: 'hoi-dong', role: 'council', unitId: null }, units: ['a'] });
    expect(selfEntry).toEqual({
      position: self.position.toString(),
      streamId: `pledge-${seeded.pledgeId('a')}`,
      revision: '1',
      eventId: self.events[0]!.id,
      type: 'ScoreRecorded',
      businessAt: on('2013-11-01'),
      recordedAt: self.events[0]!.recordedAt,
      actor: { id: 'nguyen-van-a', role: 'member', unitId: 'a' },
      commandId: self.events[0]!.metadata.commandId,
      correlationId: null,
      causationId: null,
      units: ['a'],
      data: { pledgeId: seeded.pledgeId('a'), criterionId: 'c1', points: 9, assessor: 'self', note: 'Tự chấm', scoredAt: on('2013-11-01') },
    });
    expect(verifiedEntry).toMatchObject({
      position: verified.position.toString(),
      actor: { id: 'tran-thi-b', role: 'chair', unitId: 'b' },
      recordedAt: log.now(),
    });
    expect(selfEntry!.recordedAt < verifiedEntry!.recordedAt).toBe(true);
  });

  it('gives each unit the events about it and the events it issued, in log order', async () => {
    const { projectionStore, verified } = await setup();
    const forB = await getAuditTrail(projectionStore, { unitId: 'b' });
    expect(forB.map((e) => [e.type, e.streamId])).toEqual([
      ['MemberAdmitted', 'bloc-kt-kt'],
      ['PledgeSigned', 'pledge-kt-kt-2013.b'],
      // Issued by b's chair about a's pledge.
      ['ScoreRecorded', 'pledge-kt-kt-2013.a'],
    ]);
    expect(forB[2]!.position).toBe(verified.position.toString());
    const forA = await getAuditTrail(projectionStore, { unitId: 'a' });
    expect(forA.map((e) => e.type)).toEqual(['MemberAdmitted', 'PledgeSigned', 'ScoreRecorded', 'ScoreRecorded']);
    const positions = forA.map((e) => BigInt(e.position));
    expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
  });

  it('keeps streams and units with a common prefix apart', async () => {
    const { log, projectionStore } = await setup();
    await log.append('BlocEstablished', { blocId: 'kt-kt-2', name: 'Khối 2', authority: 'UBND tỉnh', establishedAt: on('2013-01-02') });
    await log.append('MemberAdmitted', { blocId: 'kt-kt-2', unitId: 'a2', unitName: 'A2', admittedAt: on('2013-01-03') });
    const projections = createThiduaProjections({ eventStore: log.eventStore, projectionStore });
    await projections.catchUp();
    expect((await getAuditTrail(projectionStore, { streamId: 'bloc-kt-kt' })).map((e) => e.type)).toEqual([
      'BlocEstablished',
      'MemberAdmitted',
      'MemberAdmitted',
    ]);
    expect((await getAuditTrail(projectionStore, { unitId: 'a' })).map((e) => e.type)).toEqual([
      'MemberAdmitted',
      'PledgeSigned',
      'ScoreRecorded',
      'ScoreRecorded',
    ]);
    expect((await getAuditTrail(projectionStore, { unitId: 'a2' })).map((e) => e.type)).toEqual(['MemberAdmitted']);
    expect(await getAuditTrail(projectionStore, { streamId: 'bloc-none' })).toEqual([]);
  });
});
