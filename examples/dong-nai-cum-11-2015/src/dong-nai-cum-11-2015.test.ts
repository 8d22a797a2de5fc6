/**
 * The report replays to its published outcome through the CLI's main(): of
 * the cluster's members, three get a first-grade flag (Cờ thi đua hạng
 * Nhất) and one a second-grade flag (hạng Nhì), graded flags being entries
 * of the campaign's award catalogue.
 */
import { join } from 'node:path';
import { replayReport, type ReplayedReport } from '@thidua/example-report-replay';

interface Row {
  rank: number;
  unitId: string;
  awards: string[];
}

let report: ReplayedReport;
const json = <T>(args: string[]): Promise<T> => report.json<T>(args);

beforeAll(async () => {
  report = await replayReport(join(__dirname, '..', 'commands.ndjson'));
});
afterAll(() => report.close());

it('gives three first-grade flags and one second-grade flag, to the four best ranked', async () => {
  const standings = await json<{ rows: Row[]; awards: { awardId: string; title: string; quota: number }[] }>(['standings', '--bloc', 'dong-nai-cum-11', '--year', '2015']);
  const flagged = (award: string) => standings.rows.filter((row) => row.awards.includes(award)).map((row) => [row.rank, row.unitId]);
  expect(flagged('co-hang-nhat')).toEqual([
    [1, 'xuan-bac'],
    [2, 'xuan-dinh'],
    [3, 'xuan-hiep'],
  ]);
  expect(flagged('co-hang-nhi')).toEqual([[4, 'xuan-hoa']]);
  expect(standings.rows.filter((row) => row.awards.length > 0)).toHaveLength(4);
  expect(standings.awards).toEqual([
    { awardId: 'co-hang-nhat', title: 'Cờ thi đua hạng Nhất', kind: 'flag', quota: 3 },
    { awardId: 'co-hang-nhi', title: 'Cờ thi đua hạng Nhì', kind: 'flag', quota: 1 },
  ]);
});

it('lists the four flags in the province’s year summary', async () => {
  const summary = await json<{ blocs: { blocId: string; awards: { unitId: string; award: string; outcome: null }[]; leaders: string[] }[] }>([
    'summary',
    '--authority',
    'UBND tỉnh Đồng Nai',
    '--year',
    '2015',
  ]);
  expect(summary.blocs.map((bloc) => bloc.blocId)).toEqual(['dong-nai-cum-11']);
  expect(summary.blocs[0]!.awards).toEqual([
    { unitId: 'xuan-bac', award: 'co-hang-nhat', outcome: null },
    { unitId: 'xuan-dinh', award: 'co-hang-nhat', outcome: null },
    { unitId: 'xuan-hiep', award: 'co-hang-nhat', outcome: null },
    { unitId: 'xuan-hoa', award: 'co-hang-nhi', outcome: null },
  ]);
  expect(summary.blocs[0]!.leaders).toEqual(['xuan-bac']);
});
