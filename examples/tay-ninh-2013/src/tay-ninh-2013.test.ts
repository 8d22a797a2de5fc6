/**
 * The facts of the Tây Ninh 2013 case, read back from the event log (not
 * from the command list): what an auditor replaying the log would find.
 */
import {
  blocStream,
  campaignStream,
  pledgeTotal,
  rankByScore,
  thiduaRegistry,
  type ThiduaEvent,
} from '@thidua/domain';
import { createInMemoryEventStore, type EventStore, type RecordedEvent } from '@thidua/eventsourcing';
import { BLOC_ID, CAMPAIGN_ID, CRITERIA, runTayNinh2013, tayNinh2013Commands, UNITS } from '@thidua/domain/demo';

type Recorded = RecordedEvent & ThiduaEvent;
type Of<T extends ThiduaEvent['type']> = RecordedEvent & Extract<ThiduaEvent, { type: T }>;

describe('the Tây Ninh 2013 case', () => {
  let store: EventStore;
  let log: Recorded[];
  const ofType = <T extends ThiduaEvent['type']>(type: T): Of<T>[] => log.filter((e): e is Of<T> => e.type === type);

  beforeAll(async () => {
    store = createInMemoryEventStore({ registry: thiduaRegistry });
    const run = await runTayNinh2013(store);
    expect(run.commands).toBe(tayNinh2013Commands.length);
    log = [];
    for await (const event of store.readAll()) log.push(event as Recorded);
    expect(run.eventsAppended).toBe(log.length);
  });

  afterAll(async () => {
    await store.close();
  });

  it('has the Economic-Technical bloc, established by the council', () => {
    const [established, ...more] = ofType('BlocEstablished');
    expect(more).toHaveLength(0);
    expect(established?.streamId).toBe(blocStream(BLOC_ID));
    expect(established?.data).toMatchObject({ blocId: 'tay-ninh-kinh-te-ky-thuat', name: 'Khối Thi đua Kinh tế - Kỹ thuật tỉnh Tây Ninh' });
    expect(established?.metadata.actor?.role).toBe('council');
  });

  it('admits the members the article names, with their Vietnamese names', () => {
    const admitted = Object.fromEntries(ofType('MemberAdmitted').map((e) => [e.data.unitId, e.data.unitName]));
    expect(admitted).toMatchObject({
      'so-nn-ptnt': 'Sở Nông nghiệp và Phát triển nông thôn',
      'so-cong-thuong': 'Sở Công Thương',
      'so-tt-tt': 'Sở Thông tin và Truyền thông',
      'so-xay-dung': 'Sở Xây dựng',
      'vqg-lo-go-xa-mat': 'Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát',
    });
    expect(ofType('MemberAdmitted').every((e) => e.metadata.actor?.role === 'council')).toBe(true);
  });

  it('makes so-tt-tt the chair for 2013', () => {
    const first = ofType('ChairFlagTransferred').find((e) => e.data.termYear === 2013);
    expect(first?.data).toMatchObject({ fromUnitId: null, toUnitId: 'so-tt-tt' });
  });

  it('launches the 2013 campaign with the covenant’s 9 criteria, titled in Vietnamese, run by the chair', () => {
    const [launched] = ofType('CampaignLaunched');
    expect(launched?.streamId).toBe(campaignStream(CAMPAIGN_ID));
    expect(launched?.data.year).toBe(2013);
    expect(launched?.data.criteria.map((c) => c.title)).toEqual([
      'Thực hiện tốt nhiệm vụ chính trị do Tỉnh ủy, UBND tỉnh giao',
      'Đề xuất các giải pháp trong công tác lãnh đạo, quản lý mang lại hiệu quả',
      'Thực hiện tốt nhiệm vụ quốc phòng, an ninh',
      'Vận động cán bộ, công chức, viên chức và người lao động chấp hành tốt chủ trương, chính sách, pháp luật của Nhà nước',
      'Xây dựng cơ quan đạt chuẩn văn hóa, thực hiện tốt quy chế dân chủ cơ sở',
      'Thực hiện tốt kế hoạch phòng chống tham nhũng, thực hành tiết kiệm, chống lãng phí',
      'Công tác cải cách hành chính',
      'Xây dựng tổ chức, bộ máy trong sạch vững mạnh',
      'Thực hiện tốt công tác thi đua, khen thưởng',
    ]);
    expect(launched?.data.awardQuotas).toEqual({ 'provincial-flag': 1, 'government-flag': 1, 'certificate-of-merit': 3 });
    expect(launched?.metadata.actor).toMatchObject({ role: 'chair', unitId: 'so-tt-tt' });
  });

  it('has every member sign its pledge (100% registered), each for itself, on all 9 criteria', () => {
    const signed = ofType('PledgeSigned');
    expect(signed.map((e) => e.data.unitId).sort()).toEqual(UNITS.map((u) => u.unitId).sort());
    for (const event of signed) {
      expect(event.metadata.actor).toMatchObject({ role: 'member', unitId: event.data.unitId });
      expect(event.data.targets).toHaveLength(9);
      expect(event.data.blocId).toBe(BLOC_ID);
    }
  });

  it('records self scores by each unit and cross and verified scores by the chair', () => {
    const scores = ofType('ScoreRecorded');
    for (const assessor of ['self', 'cross', 'verified'] as const) expect(scores.filter((s) => s.data.assessor === assessor)).toHaveLength(5 * 9);
    for (const score of scores) {
      const actor = score.metadata.actor;
      if (score.data.assessor === 'self') expect(`${CAMPAIGN_ID}.${actor?.unitId}`).toBe(score.data.pledgeId);
      else expect(actor).toMatchObject({ role: 'chair', unitId: 'so-tt-tt' });
    }
  });

  it('holds the year-end review on 2014-02-13, hosted by so-tt-tt', () => {
    const reviews = ofType('ReviewHeld');
    expect(reviews.map((e) => e.data)).toEqual([{ campaignId: CAMPAIGN_ID, kind: 'year-end', hostUnitId: 'so-tt-tt', heldAt: '2014-02-13T08:00:00+07:00' }]);
  });

  it('ranks by vote 1 so-nn-ptnt, 2 so-cong-thuong, 3 so-tt-tt, then the rest; the illustrative scores agree', () => {
    const ranks = ofType('RankAssigned');
    expect(ranks.map((e) => [e.data.rank, e.data.unitId, e.data.basis])).toEqual([
      [1, 'so-nn-ptnt', 'vote'],
      [2, 'so-cong-thuong', 'vote'],
      [3, 'so-tt-tt', 'vote'],
      [4, 'so-xay-dung', 'vote'],
      [5, 'vqg-lo-go-xa-mat', 'vote'],
    ]);
    expect(new Set(ranks.map((e) => e.metadata.commandId)).size).toBe(1);
    // Totals recomputed from the pledge streams match the recorded ones and give the same order by score.
    const criterionIds = CRITERIA.map((c) => c.criterionId);
    const totals = UNITS.map(({ unitId }) => {
      const pledgeId = `${CAMPAIGN_ID}.${unitId}`;
      const scores = ofType('ScoreRecorded').filter((e) => e.data.pledgeId === pledgeId).map((e) => e.data);
      const adjustments = ofType('AdjustmentRecorded').filter((e) => e.data.pledgeId === pledgeId).map((e) => e.data);
      return { unitId, total: pledgeTotal({ criterionIds, bonusCap: 5, scores, adjustments }).total };
    });
    expect(ranks.map((e) => e.data.totalPoints)).toEqual(ranks.map((e) => totals.find((t) => t.unitId === e.data.unitId)?.total));
    expect(rankByScore(totals).map((r) => [r.rank, r.unitId])).toEqual(ranks.map((e) => [e.data.rank, e.data.unitId]));
  });

  it('hands the flag from so-tt-tt to so-xay-dung for 2014, announced by the 2013 chair', () => {
    const transfer = ofType('ChairFlagTransferred').find((e) => e.data.termYear === 2014);
    expect(transfer?.data).toMatchObject({ blocId: BLOC_ID, fromUnitId: 'so-tt-tt', toUnitId: 'so-xay-dung', termYear: 2014 });
    expect(transfer?.data.transferredAt.startsWith('2014-02-13')).toBe(true);
    expect(transfer?.metadata.actor).toMatchObject({ role: 'chair', unitId: 'so-tt-tt' });
  });

  it('elects vqg-lo-go-xa-mat deputy chair for 2014', () => {
    expect(ofType('DeputyChairElected').map((e) => [e.data.unitId, e.data.termYear])).toEqual([['vqg-lo-go-xa-mat', 2014]]);
  });

  it('closes the campaign after the review', () => {
    expect(ofType('CampaignClosed')).toHaveLength(1);
    expect(log[log.length - 1]?.type).toBe('CampaignClosed');
  });

  it('dates every business fact with the +07:00 offset', () => {
    const dates = log.flatMap((e) => Object.entries(e.data as Record<string, unknown>).filter(([key]) => key === 'at' || key.endsWith('At')).map(([, value]) => value));
    expect(dates.length).toBe(log.length);
    for (const date of dates) expect(date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
  });

  it('appends nothing when run again on the same store (fixed command ids)', async () => {
    const head = await store.headPosition();
    const again = await runTayNinh2013(store);
    expect(again.eventsAppended).toBe(0);
    expect(await store.headPosition()).toBe(head);
  });
});
