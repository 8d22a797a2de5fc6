/**
 * The report replays to its published outcome: `thidua exec commands.ndjson`,
 * then `thidua standings` and `thidua summary --format json`, through the
 * CLI's own main() on a SQLite file. Published: THACO, first of the bloc
 * with 1000 points, is proposed for a first-grade flag *and* a certificate
 * of merit, and is the deputy for 2016.
 */
import { join } from 'node:path';
import { replayReport, type ReplayedReport } from '@thidua/example-report-replay';

let report: ReplayedReport;
const json = <T>(args: string[]): Promise<T> => report.json<T>(args);

interface Standings {
  rows: Record<string, unknown>[];
  awards: { awardId: string; kind: string }[];
}

beforeAll(async () => {
  report = await replayReport(join(__dirname, '..', 'commands.ndjson'));
});
afterAll(() => report.close());

it('ranks THACO first with 1000 points, proposed for both the first-grade flag and a certificate of merit, deputy for 2016', async () => {
  const standings = await json<Standings>(['standings', '--bloc', 'dong-nai-khoi-9', '--year', '2015']);
  expect(standings.rows[0]).toMatchObject({ rank: 1, unitId: 'thaco', total: 1000, awards: ['co-thi-dua-hang-nhat', 'bang-khen-ubnd-tinh'], decisions: {} });
  expect(standings).toMatchObject({ final: true, nextDeputy: 'thaco', flag: { fromUnitId: 'dn-cong-nghiep', toUnitId: 'dn-det-may' } });
  expect(standings.awards.map((award) => [award.awardId, award.kind])).toEqual([
    ['co-thi-dua-hang-nhat', 'flag'],
    ['bang-khen-ubnd-tinh', 'certificate'],
  ]);
});

it('shows both proposals in the province’s year summary, awaiting the council’s decision', async () => {
  const summary = await json<{ blocs: unknown[] }>(['summary', '--authority', 'UBND tỉnh Đồng Nai', '--year', '2015']);
  expect(summary.blocs).toEqual([
    {
      blocId: 'dong-nai-khoi-9',
      blocName: 'Khối thi đua số 9 tỉnh Đồng Nai',
      campaignId: 'dong-nai-khoi-9-2015',
      final: true,
      chair: 'dn-cong-nghiep',
      nextChair: 'dn-det-may',
      leaders: ['thaco'],
      awards: [
        { unitId: 'dn-cong-nghiep', award: 'bang-khen-ubnd-tinh', outcome: null },
        { unitId: 'thaco', award: 'bang-khen-ubnd-tinh', outcome: null },
        { unitId: 'thaco', award: 'co-thi-dua-hang-nhat', outcome: null },
      ],
      tiers: {},
    },
  ]);
});
