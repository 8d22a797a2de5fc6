/**
 * The report replays to its published outcome through the CLI's main():
 * Thanh Định is "Lá cờ đầu"; the cluster's classification (xếp loại) puts
 * 3 communes in "hoàn thành xuất sắc", 6 in "hoàn thành tốt" and 3 in
 * "hoàn thành" nhiệm vụ; the review was held on 10 Dec 2020 at Phú Tiến;
 * Bình Thành is the cluster's chair for 2021.
 */
import { join } from 'node:path';
import { replayReport, type ReplayedReport } from '@thidua/example-report-replay';

interface Standings {
  review: { heldAt: string; hostUnitId: string };
  nextChair: string;
  flag: { toUnitId: string };
  tiers: { tierId: string; title: string }[];
  rows: { rank: number; unitId: string; unitName: string; tier: string | null; awards: string[] }[];
}

let report: ReplayedReport;
const json = <T>(args: string[]): Promise<T> => report.json<T>(args);

beforeAll(async () => {
  report = await replayReport(join(__dirname, '..', 'commands.ndjson'));
});
afterAll(() => report.close());

it('makes Thanh Định the leading flag (Lá cờ đầu) and classes the twelve communes 3 / 6 / 3', async () => {
  const standings = await json<Standings>(['standings', '--bloc', 'dinh-hoa-cum-02', '--year', '2020']);
  expect(standings.rows.filter((row) => row.awards.includes('la-co-dau')).map((row) => [row.rank, row.unitName])).toEqual([[1, 'UBND xã Thanh Định']]);
  const count = (tierId: string) => standings.rows.filter((row) => row.tier === tierId).length;
  expect([count('xuat-sac'), count('tot'), count('hoan-thanh')]).toEqual([3, 6, 3]);
  expect(standings.rows).toHaveLength(12);
  expect(standings.tiers.map((tier) => tier.title)).toEqual(['Hoàn thành xuất sắc nhiệm vụ', 'Hoàn thành tốt nhiệm vụ', 'Hoàn thành nhiệm vụ']);
  expect(standings.review).toEqual({ heldAt: '2020-12-10T08:00:00+07:00', hostUnitId: 'phu-tien' });
  expect(standings).toMatchObject({ nextChair: 'binh-thanh', flag: { toUnitId: 'binh-thanh' } });
});

it('sums the year up for the district: chair, next chair, leader, the flag, the classes', async () => {
  const summary = await json<{ authority: string; year: number; blocs: unknown[] }>(['summary', '--authority', 'UBND huyện Định Hóa', '--year', '2020']);
  expect(summary).toEqual({
    authority: 'UBND huyện Định Hóa',
    year: 2020,
    blocs: [
      {
        blocId: 'dinh-hoa-cum-02',
        blocName: 'Cụm thi đua các xã số 02 huyện Định Hóa',
        campaignId: 'dinh-hoa-cum-02-2020',
        final: true,
        chair: 'phu-tien',
        nextChair: 'binh-thanh',
        leaders: ['thanh-dinh'],
        awards: [{ unitId: 'thanh-dinh', award: 'la-co-dau', outcome: null }],
        tiers: { 'xuat-sac': 3, tot: 6, 'hoan-thanh': 3 },
      },
    ],
  });
});
