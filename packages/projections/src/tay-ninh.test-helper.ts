import { createThidua, thiduaRegistry } from '@thidua/domain';
import { createInMemoryEventStore, type Actor, type EventStore } from '@thidua/eventsourcing';

/*
 * Test helper (not shipped). The Tây Ninh 2013 year-end review (the case
 * `examples/tay-ninh-2013` tells) played through the domain's own `createThidua().execute`,
 * so the projections are tested on a log the deciders accept. The article
 * gives no scores: these are illustrative and reproduce its ranking
 * (1 Nông nghiệp & PTNT, 2 Công Thương, 3 Thông tin & Truyền thông).
 */

export const BLOC = 'tn-kt-kt';
export const CAMPAIGN = 'tn-kt-kt-2013';
export const NN = 'so-nn-ptnt';
export const CT = 'so-cong-thuong';
export const TT = 'so-tt-tt';
export const XD = 'so-xay-dung';
export const VQG = 'vqg-lo-go-xa-mat';

export const UNITS: Record<string, string> = {
  [NN]: 'Sở Nông nghiệp và Phát triển nông thôn',
  [CT]: 'Sở Công Thương',
  [TT]: 'Sở Thông tin và Truyền thông',
  [XD]: 'Sở Xây dựng',
  [VQG]: 'Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát',
};

/** The nine criteria (chỉ tiêu) of the covenant, as the article lists them. */
export const CRITERIA = [
  'Thực hiện tốt nhiệm vụ chính trị do Tỉnh ủy, UBND tỉnh giao',
  'Đề xuất các giải pháp trong công tác lãnh đạo, quản lý mang lại hiệu quả',
  'Thực hiện tốt nhiệm vụ quốc phòng, an ninh',
  'Vận động cán bộ, công chức, viên chức và người lao động chấp hành tốt chủ trương, chính sách, pháp luật',
  'Xây dựng cơ quan đạt chuẩn văn hóa, thực hiện tốt quy chế dân chủ cơ sở',
  'Phòng chống tham nhũng, thực hành tiết kiệm, chống lãng phí',
  'Công tác cải cách hành chính',
  'Xây dựng tổ chức, bộ máy trong sạch vững mạnh',
  'Thực hiện tốt công tác thi đua, khen thưởng',
].map((title, index) => ({ criterionId: `c${index + 1}`, title, maxPoints: 10 }));

/** Verified points per criterion c1…c9. */
export const VERIFIED: Record<string, number[]> = {
  [NN]: [10, 9.5, 10, 9.75, 10, 9.5, 9.75, 10, 10],
  [CT]: [9.75, 9.5, 10, 9.5, 9.75, 9.5, 9.5, 9.75, 10],
  [TT]: [9.5, 9.5, 9.75, 9.5, 9.5, 9.5, 9.5, 9.5, 9.75],
  [XD]: [9.5, 9.25, 9.5, 9.5, 9.5, 9.25, 9.5, 9.5, 9.5],
  [VQG]: [9.25, 9.25, 9.5, 9.25, 9.5, 9.25, 9.25, 9.5, 9.25],
};

const on = (day: string, time = '08:00:00') => `${day}T${time}+07:00`;

/** An in-memory store whose clock ticks one minute per append, from 2013-01-02 (UTC). */
export function createTayNinhStore(): EventStore {
  let minutes = 0;
  return createInMemoryEventStore({
    registry: thiduaRegistry,
    clock: () => new Date(Date.UTC(2013, 0, 2) + (minutes += 1) * 60_000),
  });
}

/** What the run returns: where the log stood at the moments the tests look back to. */
export interface TayNinhRun {
  /** Last position before `AssignRanks`. */
  beforeRanking: bigint;
  /** recordedAt of that last event. */
  beforeRankingRecordedAt: string;
  /** Last position of the ranking. */
  ranked: bigint;
  /** Last position of the whole run. */
  head: bigint;
}

/** Plays the Tây Ninh 2013 campaign into `eventStore` through the domain's commands. */
export async function runTayNinh(eventStore: EventStore): Promise<TayNinhRun> {
  const thidua = createThidua({ eventStore });
  const council: Actor = { id: 'hd-tdkt-tay-ninh', role: 'council' };
  const chair: Actor = { id: 'so-tt-tt-truong-khoi', role: 'chair', unitId: TT };
  const member = (unitId: string): Actor => ({ id: `${unitId}-can-bo`, role: 'member', unitId });
  let n = 0;
  const run = async (command: string, actor: Actor, data: Record<string, unknown>) => {
    n += 1;
    return thidua.execute({ command, commandId: `tay-ninh-${n}`, actor, data });
  };
  const pledgeId = (unitId: string) => `${CAMPAIGN}.${unitId}`;

  await run('EstablishBloc', council, {
    blocId: BLOC,
    name: 'Khối Thi đua Kinh tế - Kỹ thuật tỉnh Tây Ninh',
    authority: 'UBND tỉnh Tây Ninh',
    establishedAt: on('2013-01-02'),
  });
  for (const [unitId, unitName] of Object.entries(UNITS)) {
    await run('AdmitMember', council, { blocId: BLOC, unitId, unitName, admittedAt: on('2013-01-03') });
  }
  await run('TransferChairFlag', council, { blocId: BLOC, toUnitId: TT, termYear: 2013, transferredAt: on('2013-01-05') });
  await run('LaunchCampaign', chair, {
    campaignId: CAMPAIGN,
    blocId: BLOC,
    year: 2013,
    title: 'Phong trào thi đua yêu nước năm 2013',
    criteria: CRITERIA,
    bonusCap: 2,
    launchedAt: on('2013-01-15'),
  });
  for (const unitId of Object.keys(UNITS)) {
    await run('SignPledge', member(unitId), {
      campaignId: CAMPAIGN,
      unitId,
      signedBy: `Giám đốc ${UNITS[unitId]}`,
      targets: CRITERIA.map(({ criterionId }) => ({ criterionId, commitment: 'Hoàn thành xuất sắc' })),
      signedAt: on('2013-02-01'),
    });
  }
  await run('OpenScoring', chair, { campaignId: CAMPAIGN, at: on('2013-02-02') });
  await run('HoldReview', chair, { campaignId: CAMPAIGN, kind: 'mid-year', hostUnitId: CT, heldAt: on('2013-07-10') });
  // Every unit first scores itself full marks; the chair's verified scores then count.
  for (const unitId of Object.keys(UNITS)) {
    for (const { criterionId } of CRITERIA) {
      await run('RecordScore', member(unitId), { pledgeId: pledgeId(unitId), criterionId, points: 10, assessor: 'self', scoredAt: on('2013-12-10') });
    }
  }
  for (const [unitId, points] of Object.entries(VERIFIED)) {
    for (const [index, value] of points.entries()) {
      await run('RecordScore', chair, {
        pledgeId: pledgeId(unitId),
        criterionId: `c${index + 1}`,
        points: value,
        assessor: 'verified',
        scoredAt: on('2014-01-15'),
      });
    }
  }
  await run('RecordAdjustment', chair, {
    pledgeId: pledgeId(NN),
    kind: 'bonus',
    points: 1,
    reason: 'Mô hình "Tây Ninh chung sức xây dựng nông thôn mới"',
    adjustedAt: on('2014-01-20'),
  });
  await run('RecordAdjustment', chair, { pledgeId: pledgeId(VQG), kind: 'deduction', points: 0.5, reason: 'Nộp báo cáo trễ hạn', adjustedAt: on('2014-01-20') });
  await run('CloseScoring', chair, { campaignId: CAMPAIGN, at: on('2014-01-31') });
  const review = await run('HoldReview', chair, { campaignId: CAMPAIGN, kind: 'year-end', hostUnitId: TT, heldAt: on('2014-02-13') });
  const ranking = await run('AssignRanks', chair, {
    campaignId: CAMPAIGN,
    basis: 'vote',
    ranks: [
      { unitId: NN, rank: 1 },
      { unitId: CT, rank: 2 },
      { unitId: TT, rank: 3 },
      { unitId: XD, rank: 4 },
      { unitId: VQG, rank: 5 },
    ],
    assignedAt: on('2014-02-13', '10:00:00'),
  });
  await run('ProposeAward', chair, { campaignId: CAMPAIGN, unitId: NN, award: 'provincial-flag', proposedAt: on('2014-02-13', '10:30:00') });
  await run('TransferChairFlag', chair, {
    blocId: BLOC,
    toUnitId: XD,
    termYear: 2014,
    decisionRef: 'Quyết định chuyển giao Cờ Luân lưu khối trưởng',
    transferredAt: on('2014-02-13', '11:00:00'),
  });
  await run('ElectDeputyChair', council, { blocId: BLOC, unitId: VQG, termYear: 2014, electedAt: on('2014-02-13', '11:15:00') });
  const closed = await run('CloseCampaign', council, { campaignId: CAMPAIGN, closedAt: on('2014-03-01') });

  const last = review.events[review.events.length - 1]!;
  return {
    beforeRanking: last.position,
    beforeRankingRecordedAt: last.recordedAt,
    ranked: ranking.position!,
    head: closed.position!,
  };
}
