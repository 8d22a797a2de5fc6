/**
 * The Tây Ninh 2013 example rendered as a user sees it: its nine long
 * criteria titles and five unit names must fit a 120-column terminal.
 */
import { thiduaRegistry } from '@thidua/domain';
import { createInMemoryEventStore, createInMemoryProjectionStore } from '@thidua/eventsourcing';
import { BLOC_ID, CRITERIA, runTayNinh2013 } from '@thidua/domain/demo';
import { createThiduaProjections, getYearEndStandings, type YearEndStandings } from '@thidua/projections';
import { renderStandingsHtml } from './standings-html';
import { renderStandingsTable } from './standings-table';

describe('the Tây Ninh 2013 standings, rendered', () => {
  let standings: YearEndStandings;
  beforeAll(async () => {
    const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
    await runTayNinh2013(eventStore);
    const projectionStore = createInMemoryProjectionStore();
    await createThiduaProjections({ eventStore, projectionStore }).catchUp();
    standings = (await getYearEndStandings(projectionStore, { blocId: BLOC_ID, year: 2013 }))!;
    await eventStore.close();
  });

  it('fits 120 columns, criteria in a second block, each titled with its maximum', () => {
    const text = renderStandingsTable(standings);
    const widest = Math.max(...text.split('\n').map((line) => [...line].length));
    expect(widest).toBeLessThanOrEqual(120);
    for (const [index, criterion] of CRITERIA.entries()) expect(text.replace(/\n\s+/g, ' ')).toContain(`C${index + 1} ${criterion.title} (max 10.00)`);
    expect(text).toMatch(/Points per criterion/);
    expect(text).toContain('Maximum total: 95.00');
  });

  it('puts every criterion in the main table when asked for --wide', () => {
    const wide = renderStandingsTable(standings, { wide: true });
    expect(wide).not.toMatch(/Points per criterion/);
    expect(wide.split('\n').find((line) => line.includes('Rank'))).toMatch(/C1\b.*C9\b.*Total/);
  });

  it('draws the chart to 95 (nine criteria of 10 and a bonus cap of 5), with the table’s decimals', () => {
    const html = renderStandingsHtml(standings);
    expect(html).toContain('thang điểm 0 – 95,00');
    expect(html).toContain('>88,50</text>');
    expect(html).toContain('<strong>88,50</strong>');
  });
});
