import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toNdjsonLine } from '@thidua/eventsourcing';
import { readNdjson, recordLog } from './baselines';
import { campaignYear } from './workload';

/*
 * The NDJSON baseline decodes line by line from bytes (for speed): it must
 * still read back exactly what was written, Vietnamese text included.
 */
describe('readNdjson', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'thidua-bench-baselines-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back every event of an export, multi-byte text included, with line numbers as positions', async () => {
    const events = await recordLog(campaignYear({ streams: 3, eventsPerStream: 4 }), 'interleaved');
    const path = join(dir, 'log.ndjson');
    writeFileSync(path, events.map(toNdjsonLine).join(''));
    const read = readNdjson(path);
    expect(read).toEqual(events.map((event, index) => ({ ...event, position: BigInt(index + 1) })));
    expect(JSON.stringify(read.map((e) => e.data))).toContain('Khối thi đua số 1');
  });

  it('reads a last line without its newline and skips empty lines', async () => {
    const events = await recordLog(campaignYear({ streams: 1, eventsPerStream: 2 }), 'grouped');
    const path = join(dir, 'ragged.ndjson');
    const lines = events.map(toNdjsonLine);
    writeFileSync(path, `${lines.slice(0, 2).join('')}\n${lines.slice(2).join('').trimEnd()}`);
    expect(readNdjson(path).map((e) => e.id)).toEqual(events.map((e) => e.id));
  });
});
