import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { thiduaRegistry } from '@thidua/domain';
import { createInMemoryEventStore, toNdjsonLine, type RecordedEvent } from '@thidua/eventsourcing';
import { BLOC_ID, CHAIR_2013, CHAIR_2014, DEPUTY_2014, REVIEW_AT, runTayNinh2013, VOTED_RANKS } from '@thidua/domain/demo';
import { auditReplay, type SoundReplay } from './audit-replay';
import { runAuditReplayCli } from './cli';

/** The Tây Ninh 2013 case as an export: in-memory store → raw readAll → NDJSON lines. */
async function tayNinhExport(): Promise<string[]> {
  const store = createInMemoryEventStore({ registry: thiduaRegistry });
  await runTayNinh2013(store);
  const lines: string[] = [];
  for await (const event of store.readAll({ raw: true })) lines.push(toNdjsonLine(event));
  await store.close();
  return lines;
}

const rowsOf = (result: SoundReplay) =>
  result.standings[0]!.rows.map(({ unitId, rank, provisional, basis }) => ({ unitId, rank, provisional, basis }));

describe('auditReplay of the Tây Ninh 2013 export', () => {
  let dir: string;
  let lines: string[];
  let file: string;
  const write = (name: string, content: readonly string[]) => {
    const path = join(dir, name);
    writeFileSync(path, content.join(''));
    return path;
  };
  /** The 1-based line number of the first line matching, and that line parsed. */
  const find = (predicate: (event: RecordedEvent) => boolean): [number, Record<string, unknown>] => {
    const index = lines.findIndex((line) => predicate(JSON.parse(line) as RecordedEvent));
    return [index + 1, JSON.parse(lines[index]!) as Record<string, unknown>];
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'thidua-audit-replay-'));
    lines = await tayNinhExport();
    file = write('tay-ninh-2013.ndjson', lines);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('as of 2014-02-01, before the review: provisional ranks computed from the verified scores', async () => {
    const result = await auditReplay({ file, asOf: '2014-02-01' });
    if (!result.sound) throw new Error(`unexpected: ${JSON.stringify(result.firstBadLine)}`);
    expect(result).toMatchObject({ events: lines.length, streams: 7, asOf: { kind: 'day', day: '2014-02-01' } });
    // Left out: the review, the five ranks, the 2014 deputy, the 2014 flag transfer, the closing.
    expect(result.excluded).toBe(9);
    expect(result.included).toBe(lines.length - 9);
    expect(result.standings).toHaveLength(1);
    expect(result.standings[0]).toMatchObject({ blocId: BLOC_ID, year: 2013, review: null, final: false, chair: CHAIR_2013, flag: null, nextDeputy: null });
    expect(rowsOf(result)).toEqual(VOTED_RANKS.map(({ unitId, rank }) => ({ unitId, rank, provisional: true, basis: 'score' })));
    expect(result.standings[0]!.rows.map((row) => row.total)).toEqual([88.5, 87, 86, 84.5, 83]);
  });

  it('as of 2014-02-14, after the review: the voted ranks, the final standings and the flag handed over', async () => {
    const result = await auditReplay({ file, asOf: '2014-02-14' });
    if (!result.sound) throw new Error(`unexpected: ${JSON.stringify(result.firstBadLine)}`);
    expect([result.included, result.excluded]).toEqual([lines.length, 0]);
    expect(result.standings[0]).toMatchObject({
      review: { heldAt: REVIEW_AT, hostUnitId: CHAIR_2013 },
      final: true,
      nextChair: CHAIR_2014,
      nextDeputy: DEPUTY_2014,
      flag: { fromUnitId: CHAIR_2013, toUnitId: CHAIR_2014 },
    });
    expect(rowsOf(result)).toEqual(VOTED_RANKS.map(({ unitId, rank }) => ({ unitId, rank, provisional: false, basis: 'vote' })));
  });

  it('as of an instant: the review (08:00) is in, the vote (10:00) is not', async () => {
    const result = await auditReplay({ file, asOf: '2014-02-13T09:00:00+07:00' });
    if (!result.sound) throw new Error('unexpected');
    expect(result.standings[0]).toMatchObject({ review: { heldAt: REVIEW_AT }, final: false });
    expect(rowsOf(result).every((row) => row.provisional)).toBe(true);
    // The same instant written in UTC is the same cut.
    const utc = await auditReplay({ file, asOf: '2014-02-13T02:00:00Z' });
    expect(utc.sound && utc.included).toBe(result.included);
  });

  it('cuts by business time, not by recordedAt (which an import resets to its own day)', async () => {
    const reimported = lines.map((line) => line.replace(/"recordedAt":"[^"]+"/, '"recordedAt":"2030-01-01T00:00:00.000Z"'));
    const result = await auditReplay({ file: write('reimported.ndjson', reimported), asOf: '2014-02-01' });
    const original = await auditReplay({ file, asOf: '2014-02-01' });
    expect(result).toEqual(original);
  });

  it('filters the standings by bloc and year, and says when no campaign was launched yet', async () => {
    const otherBloc = await auditReplay({ file, asOf: '2014-02-14', blocId: 'other-bloc' });
    expect(otherBloc.sound && otherBloc.standings).toEqual([]);
    const thisBloc = await auditReplay({ file, asOf: '2014-02-14', blocId: BLOC_ID, year: 2013 });
    expect(thisBloc.sound && thisBloc.standings.map((s) => [s.blocId, s.year])).toEqual([[BLOC_ID, 2013]]);
    const none = await auditReplay({ file, asOf: '2014-02-14', year: 2014 });
    expect(none.sound && none.standings).toEqual([]);
    const early = await auditReplay({ file, asOf: '2013-01-02' });
    expect(early.sound && early.standings).toEqual([]);
  });

  describe('names the first bad line', () => {
    it('a tampered score (valid payload, broken hash)', async () => {
      const [lineNumber, event] = find((e) => e.type === 'ScoreRecorded' && (e.data as { assessor: string }).assessor === 'verified');
      const tampered = [...lines];
      const data = event['data'] as { points: number };
      // Still a valid payload (0 ≤ points ≤ 10, two decimals): only the hash chain can tell.
      tampered[lineNumber - 1] = `${JSON.stringify({ ...event, data: { ...data, points: data.points === 10 ? 9.5 : 10 } })}\n`;
      const result = await auditReplay({ file: write('tampered.ndjson', tampered), asOf: '2014-02-14' });
      expect(result).toEqual({
        sound: false,
        events: lineNumber - 1,
        firstBadLine: { lineNumber, streamId: event['streamId'], revision: BigInt(event['revision'] as string), reason: expect.stringContaining('content was altered') },
      });
    });

    it('an event id that is not the one its command id derives (no hash covers ids): the library verifyLog names it', async () => {
      const [lineNumber, event] = find((e) => e.type === 'PledgeSigned');
      const edited = [...lines];
      edited[lineNumber - 1] = `${JSON.stringify({ ...event, id: '0e4b1c9a-3f0d-4c59-9a7e-5b2d8f6a1c30' })}\n`;
      const result = await auditReplay({ file: write('edited-id.ndjson', edited), asOf: '2014-02-14' });
      expect(result).toEqual({
        sound: false,
        events: lineNumber - 1,
        firstBadLine: { lineNumber, streamId: event['streamId'], revision: BigInt(event['revision'] as string), reason: expect.stringMatching(/^event-ids: event id 0e4b1c9a-.* is not the id derived from its command/) },
      });
    });

    it('a missing event (the next one of its stream is out of order)', async () => {
      const [lineNumber, event] = find((e) => e.type === 'MemberAdmitted');
      const missing = lines.filter((_, i) => i !== lineNumber - 1);
      const result = await auditReplay({ file: write('missing.ndjson', missing), asOf: '2014-02-14' });
      expect(result.sound).toBe(false);
      expect(!result.sound && result.firstBadLine).toMatchObject({
        lineNumber,
        streamId: event['streamId'],
        reason: expect.stringMatching(/revision \d+ where \d+ was expected/),
      });
    });

    it('a line that is not JSON, not an envelope, a refused payload, or a repeated id', async () => {
      const cases: [string, string[], RegExp][] = [
        ['not JSON', [...lines.slice(0, 3), '{"streamId":\n', ...lines.slice(3)], /not JSON/],
        ['extra key', [...lines.slice(0, 3), `${JSON.stringify({ ...JSON.parse(lines[3]!), position: '4' })}\n`, ...lines.slice(4)], /not an event envelope: \(root\)/],
        ['bad payload', [...lines.slice(0, 3), lines[3]!.replace(/"unitId":"[^"]+"/, '"unitId":"có dấu"'), ...lines.slice(4)], /payload refused by the registry/],
        ['repeated id', [...lines.slice(0, 4), lines[3]!, ...lines.slice(4)], /already appears on line 4/],
      ];
      for (const [name, content, reason] of cases) {
        const result = await auditReplay({ file: write(`${name}.ndjson`, content), asOf: '2014-02-14' });
        expect([name, !result.sound && result.firstBadLine.lineNumber, !result.sound && result.firstBadLine.reason]).toEqual([
          name,
          4 + (name === 'repeated id' ? 1 : 0),
          expect.stringMatching(reason),
        ]);
      }
    });
  });

  describe('the command line', () => {
    const run = async (...argv: string[]) => {
      const out = { stdout: '', stderr: '' };
      const code = await runAuditReplayCli(argv, { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t) });
      return { code, ...out };
    };

    it('prints that the log verifies and the standings as a table (exit 0), or as JSON', async () => {
      const table = await run(file, '2014-02-01');
      expect(table.code).toBe(0);
      expect(table.stdout).toContain(`verifies: ${lines.length} events in 7 streams`);
      expect(table.stdout).toContain('As of the end of 2014-02-01 (business time)');
      expect(table.stdout).toContain('Sở Nông nghiệp và Phát triển nông thôn');
      const json = await run(file, '2014-02-14', '--format', 'json', '--bloc', BLOC_ID, '--year', '2013');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ sound: true, standings: [{ blocId: BLOC_ID, final: true }] });
    });

    it('names the bad line on stderr (exit 1) and refuses bad usage (exit 2)', async () => {
      const [lineNumber] = find((e) => e.type === 'RankAssigned');
      const tampered = [...lines];
      tampered[lineNumber - 1] = tampered[lineNumber - 1]!.replace('"rank":1', '"rank":2');
      const bad = await run(write('cli-tampered.ndjson', tampered), '2014-02-14');
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`does NOT verify: line ${lineNumber} (campaign-`);
      expect(bad.stdout).toBe('');

      for (const argv of [[file], [file, '2014-02-30'], [file, '14/02/2014'], [file, '2014-02-14', '--format', 'xml'], [file, '2014-02-14', '--color']]) {
        const usage = await run(...argv);
        expect([argv, usage.code]).toEqual([argv, 2]);
        expect(usage.stderr).toContain('usage: audit-replay');
      }
      const missingFile = await run(join(dir, 'no-such.ndjson'), '2014-02-14');
      expect(missingFile.code).toBe(1);
      expect(missingFile.stderr).toContain('ENOENT');
    });
  });

  describe('the standalone verifier of docs/audit.md', () => {
    // The ```js block of the doc, run as written: an auditor needs only Node to check a chain.
    const block = /```js\n([\s\S]*?)\n```/.exec(readFileSync(resolve(__dirname, '../../../docs/audit.md'), 'utf8'))?.[1];
    const verify = (path: string) => {
      const script = join(dir, 'verify-chain.mjs');
      writeFileSync(script, block!);
      try {
        return { code: 0, out: execFileSync(process.execPath, [script, path], { encoding: 'utf8' }) };
      } catch (error) {
        const failed = error as { status: number; stdout: string };
        return { code: failed.status, out: failed.stdout };
      }
    };

    it('verifies the export, and names the line of a tampered event', () => {
      expect(block).toContain('createHash');
      expect(verify(file)).toEqual({ code: 0, out: `ok: ${lines.length} lines, 7 streams, every chain verifies\n` });
      const [lineNumber, event] = find((e) => e.type === 'AdjustmentRecorded' || e.type === 'ScoreRecorded');
      const tampered = [...lines];
      tampered[lineNumber - 1] = `${JSON.stringify({ ...event, metadata: { ...(event['metadata'] as object), actor: { id: 'someone-else', role: 'council' } } })}\n`;
      expect(verify(write('verify-tampered.ndjson', tampered))).toEqual({
        code: 1,
        out: `line ${lineNumber}: ${event['streamId']}@${event['revision']}: content was altered\n`,
      });
    });
  });
});
