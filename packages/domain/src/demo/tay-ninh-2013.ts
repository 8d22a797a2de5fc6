/**
 * The Tây Ninh 2013 case, from a published report of the province: the year-end review of the
 * Economic-Technical Emulation Bloc (Khối Thi đua Kinh tế - Kỹ thuật) of Tây
 * Ninh province, held on 13 Feb 2014 and hosted by its 2013 chair, the
 * Department of Information and Communications.
 *
 * From the article: the bloc, its members named here, the 2013 chair, the
 * covenant's 9 criteria, 100% of members signing, the review date and host,
 * the voted ranks (1 Agriculture, 2 Industry and Trade, 3 Information and
 * Communications), the flag passing to the Department of Construction for
 * 2014 and the Lò Gò – Xa Mát National Park board elected deputy for 2014.
 *
 * Illustrative (the article does not give them): every score, the criteria's
 * maximum points and the bonus cap, the ranks after third, who signed, and
 * every date and time except the review day. The scores reproduce the
 * published ranking: ranked by score they give the same order as the vote.
 */
// Through the package's own public entry: the case uses the domain as any user does.
import { addPoints, createThidua, pledgeIdOf, type ThiduaCommand } from '../index';
import type { Actor, EventStore } from '@thidua/eventsourcing';

/** The bloc's id. */
export const BLOC_ID = 'tay-ninh-kinh-te-ky-thuat';
/** The 2013 campaign's id. */
export const CAMPAIGN_ID = 'tay-ninh-kinh-te-ky-thuat-2013';

/** The member units, with their Vietnamese names as the article gives them. */
export const UNITS = [
  { unitId: 'so-nn-ptnt', unitName: 'Sở Nông nghiệp và Phát triển nông thôn' },
  { unitId: 'so-cong-thuong', unitName: 'Sở Công Thương' },
  { unitId: 'so-tt-tt', unitName: 'Sở Thông tin và Truyền thông' },
  { unitId: 'so-xay-dung', unitName: 'Sở Xây dựng' },
  { unitId: 'vqg-lo-go-xa-mat', unitName: 'Ban Quản lý Vườn Quốc gia Lò Gò – Xa Mát' },
] as const;

/** The chair (khối trưởng) of 2013, who hosted the year-end review. */
export const CHAIR_2013 = 'so-tt-tt';
/** The chair of 2014, who received the rotating flag. */
export const CHAIR_2014 = 'so-xay-dung';
/** The deputy chair (khối phó) elected for 2014. */
export const DEPUTY_2014 = 'vqg-lo-go-xa-mat';
/** The day of the year-end review (tổng kết), 13 Feb 2014 in the morning, Tây Ninh time. */
export const REVIEW_AT = '2014-02-13T08:00:00+07:00';

/** The ranks the conference agreed by vote (bình bầu); after third they are illustrative. */
export const VOTED_RANKS = [
  { unitId: 'so-nn-ptnt', rank: 1 },
  { unitId: 'so-cong-thuong', rank: 2 },
  { unitId: 'so-tt-tt', rank: 3 },
  { unitId: 'so-xay-dung', rank: 4 },
  { unitId: 'vqg-lo-go-xa-mat', rank: 5 },
] as const;

/** The covenant's 9 criteria (chỉ tiêu), titled as in the article; 10 points each is illustrative. */
export const CRITERIA = [
  { criterionId: 'nhiem-vu-chinh-tri', title: 'Thực hiện tốt nhiệm vụ chính trị do Tỉnh ủy, UBND tỉnh giao', maxPoints: 10 },
  { criterionId: 'giai-phap-lanh-dao-quan-ly', title: 'Đề xuất các giải pháp trong công tác lãnh đạo, quản lý mang lại hiệu quả', maxPoints: 10 },
  { criterionId: 'quoc-phong-an-ninh', title: 'Thực hiện tốt nhiệm vụ quốc phòng, an ninh', maxPoints: 10 },
  {
    criterionId: 'chap-hanh-chinh-sach-phap-luat',
    title: 'Vận động cán bộ, công chức, viên chức và người lao động chấp hành tốt chủ trương, chính sách, pháp luật của Nhà nước',
    maxPoints: 10,
  },
  { criterionId: 'co-quan-van-hoa-dan-chu', title: 'Xây dựng cơ quan đạt chuẩn văn hóa, thực hiện tốt quy chế dân chủ cơ sở', maxPoints: 10 },
  { criterionId: 'phong-chong-tham-nhung', title: 'Thực hiện tốt kế hoạch phòng chống tham nhũng, thực hành tiết kiệm, chống lãng phí', maxPoints: 10 },
  { criterionId: 'cai-cach-hanh-chinh', title: 'Công tác cải cách hành chính', maxPoints: 10 },
  { criterionId: 'to-chuc-trong-sach-vung-manh', title: 'Xây dựng tổ chức, bộ máy trong sạch vững mạnh', maxPoints: 10 },
  { criterionId: 'cong-tac-thi-dua-khen-thuong', title: 'Thực hiện tốt công tác thi đua, khen thưởng', maxPoints: 10 },
] as const;

/**
 * Illustrative verified points per unit, one per criterion in the order of
 * {@link CRITERIA}. Totals: 88.5, 87, 86, 84.5, 83: the published order.
 */
export const VERIFIED_POINTS: Readonly<Record<(typeof UNITS)[number]['unitId'], readonly number[]>> = {
  'so-nn-ptnt': [10, 9.75, 9.75, 10, 9.75, 9.75, 9.75, 10, 9.75],
  'so-cong-thuong': [9.75, 9.75, 9.5, 9.75, 9.75, 9.5, 9.5, 9.75, 9.75],
  'so-tt-tt': [9.5, 9.5, 9.5, 9.75, 9.5, 9.5, 9.75, 9.5, 9.5],
  'so-xay-dung': [9.5, 9.25, 9.5, 9.5, 9.25, 9.25, 9.25, 9.5, 9.5],
  'vqg-lo-go-xa-mat': [9.25, 9.25, 9.25, 9.25, 9.25, 9, 9.25, 9.25, 9.25],
};

/** The provincial Emulation and Commendation Council (Hội đồng Thi đua – Khen thưởng tỉnh). */
const council: Actor = { id: 'hdtdkt', role: 'council' };
/** The 2013 chair's emulation office. */
const chair2013: Actor = { id: `tdkt-${CHAIR_2013}`, role: 'chair', unitId: CHAIR_2013 };
/** A member unit's emulation office, acting for its own unit. */
const member = (unitId: string): Actor => ({ id: `tdkt-${unitId}`, role: 'member', unitId });

const tz = (date: string, time = '08:00:00'): string => `${date}T${time}+07:00`;

/** Self scores run a little above the verified ones, cross scores in between (illustrative). */
const selfPoints = (points: number): number => Math.min(10, addPoints(points, 0.25));
const crossPoints = (points: number): number => (points >= 10 ? 10 : points);

function buildCommands(): ThiduaCommand[] {
  const commands: ThiduaCommand[] = [];
  let sequence = 0;
  const add = <C extends ThiduaCommand>(command: Omit<C, 'commandId'>): void => {
    sequence += 1;
    commands.push({ ...command, commandId: `tn-2013-${String(sequence).padStart(3, '0')}` } as ThiduaCommand);
  };

  // The council sets up the bloc, admits its members and hands the flag to the 2013 chair.
  add({
    command: 'EstablishBloc',
    actor: council,
    data: { blocId: BLOC_ID, name: 'Khối Thi đua Kinh tế - Kỹ thuật tỉnh Tây Ninh', authority: 'Hội đồng Thi đua – Khen thưởng tỉnh Tây Ninh', establishedAt: tz('2013-01-02') },
  });
  for (const unit of UNITS) {
    add({ command: 'AdmitMember', actor: council, data: { blocId: BLOC_ID, unitId: unit.unitId, unitName: unit.unitName, admittedAt: tz('2013-01-02', '08:30:00') } });
  }
  add({ command: 'TransferChairFlag', actor: council, data: { blocId: BLOC_ID, toUnitId: CHAIR_2013, termYear: 2013, transferredAt: tz('2013-01-02', '09:00:00') } });

  // The chair launches the bloc's movement; every member signs the covenant (100% registered).
  add({
    command: 'LaunchCampaign',
    actor: chair2013,
    data: {
      campaignId: CAMPAIGN_ID,
      blocId: BLOC_ID,
      year: 2013,
      title: 'Phong trào thi đua yêu nước năm 2013 của Khối Thi đua Kinh tế - Kỹ thuật',
      criteria: CRITERIA.map((c) => ({ ...c })),
      bonusCap: 5,
      launchedAt: tz('2013-02-20'),
    },
  });
  for (const unit of UNITS) {
    add({
      command: 'SignPledge',
      actor: member(unit.unitId),
      data: {
        campaignId: CAMPAIGN_ID,
        unitId: unit.unitId,
        signedBy: `Thủ trưởng ${unit.unitName}`,
        targets: CRITERIA.map((c) => ({ criterionId: c.criterionId, commitment: `Hoàn thành tốt chỉ tiêu: ${c.title}` })),
        signedAt: tz('2013-03-05', '09:00:00'),
      },
    });
  }

  // Year-end scoring: each unit scores itself, then the chair records the cross and the verified scores.
  add({ command: 'OpenScoring', actor: chair2013, data: { campaignId: CAMPAIGN_ID, at: tz('2013-12-02') } });
  const scoreRound = (assessor: 'self' | 'cross' | 'verified', date: string, points: (p: number) => number) => {
    for (const unit of UNITS) {
      CRITERIA.forEach((criterion, index) => {
        add({
          command: 'RecordScore',
          actor: assessor === 'self' ? member(unit.unitId) : chair2013,
          data: {
            pledgeId: pledgeIdOf(CAMPAIGN_ID, unit.unitId),
            criterionId: criterion.criterionId,
            points: points(VERIFIED_POINTS[unit.unitId][index]!),
            assessor,
            scoredAt: tz(date),
          },
        });
      });
    }
  };
  scoreRound('self', '2013-12-10', selfPoints);
  scoreRound('cross', '2013-12-20', crossPoints);
  scoreRound('verified', '2014-01-10', (p) => p);
  add({ command: 'CloseScoring', actor: chair2013, data: { campaignId: CAMPAIGN_ID, at: tz('2014-01-20') } });

  // 13 Feb 2014: the year-end review at the Department of Information and Communications.
  add({ command: 'HoldReview', actor: chair2013, data: { campaignId: CAMPAIGN_ID, kind: 'year-end', hostUnitId: CHAIR_2013, heldAt: REVIEW_AT } });
  add({ command: 'AssignRanks', actor: chair2013, data: { campaignId: CAMPAIGN_ID, basis: 'vote', ranks: VOTED_RANKS.map((r) => ({ ...r })), assignedAt: tz('2014-02-13', '10:00:00') } });
  // The outgoing chair records the 2014 deputy while it still holds the flag, then announces the transfer.
  add({ command: 'ElectDeputyChair', actor: chair2013, data: { blocId: BLOC_ID, unitId: DEPUTY_2014, termYear: 2014, electedAt: tz('2014-02-13', '10:15:00') } });
  add({ command: 'TransferChairFlag', actor: chair2013, data: { blocId: BLOC_ID, toUnitId: CHAIR_2014, termYear: 2014, transferredAt: tz('2014-02-13', '10:30:00') } });
  // The 2013 campaign is final: its chair remains the chair of 2013 after the hand-over.
  add({ command: 'CloseCampaign', actor: chair2013, data: { campaignId: CAMPAIGN_ID, closedAt: tz('2014-02-13', '11:00:00') } });
  return commands;
}

/**
 * The whole 2013 cycle as commands, in order, with fixed command ids
 * (`tn-2013-001`…): running them again appends nothing.
 */
export const tayNinh2013Commands: readonly ThiduaCommand[] = buildCommands();

/** What {@link runTayNinh2013} did. */
export interface TayNinh2013Run {
  /** Commands executed. */
  commands: number;
  /** Events appended by this run (0 when the case was already in the store). */
  eventsAppended: number;
  /** Global position of the last event of the case. */
  lastPosition: bigint | null;
}

/**
 * Drives the Tây Ninh 2013 case through `createThidua` on `eventStore`
 * (created with `registry: thiduaRegistry`). Idempotent: on a store that
 * already holds the case, every command is recognised and nothing is
 * appended.
 */
export async function runTayNinh2013(eventStore: EventStore): Promise<TayNinh2013Run> {
  const thidua = createThidua({ eventStore });
  let eventsAppended = 0;
  let lastPosition: bigint | null = null;
  for (const command of tayNinh2013Commands) {
    const result = await thidua.execute(command);
    if (!result.duplicate) eventsAppended += result.events.length;
    lastPosition = result.position ?? lastPosition;
  }
  return { commands: tayNinh2013Commands.length, eventsAppended, lastPosition };
}
