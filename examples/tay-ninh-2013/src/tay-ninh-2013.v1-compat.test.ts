/**
 * The Tây Ninh 2013 case gives, with today's code, exactly the v1 value of
 * every v1 key of its standings (recorded before domain v2, at commit
 * 2bbf0eb, in `tay-ninh-2013.v1-standings.json`; never regenerate it to
 * make this pass). New keys may sit beside them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { thiduaRegistry } from '@thidua/domain';
import { onlyKeysOf } from '@thidua/domain/testing';
import { createInMemoryEventStore, createInMemoryProjectionStore } from '@thidua/eventsourcing';
import { createThiduaProjections, getYearEndStandings } from '@thidua/projections';
import { BLOC_ID, runTayNinh2013 } from '@thidua/domain/demo';

it('keeps every v1 key of the Tây Ninh 2013 standings at its v1 value', async () => {
  const v1: unknown = JSON.parse(readFileSync(join(__dirname, 'tay-ninh-2013.v1-standings.json'), 'utf8'));
  const eventStore = createInMemoryEventStore({ registry: thiduaRegistry });
  await runTayNinh2013(eventStore);
  const projectionStore = createInMemoryProjectionStore();
  await createThiduaProjections({ eventStore, projectionStore }).catchUp();
  const standings = await getYearEndStandings(projectionStore, { blocId: BLOC_ID, year: 2013 });
  expect(onlyKeysOf(standings, v1)).toEqual(v1);
  await eventStore.close();
});
