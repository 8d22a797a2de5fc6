/**
 * `thidua audit verify` and `thidua audit trail`, run as child processes
 * against the BUILT CLI (`npx tsc -b packages/cli`; `npm ci` builds it
 * through the root prepare script).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeEventHash } from '@thidua/eventsourcing';
import Database from 'better-sqlite3';
import { asLines, runCli, tempWorkdir } from '../run-cli.test-helper';
import { SMALL_CAMPAIGN, smallCampaignCommands } from '../small-campaign.test-helper';

describe('thidua audit', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeAll(async () => {
    dir = await tempWorkdir('audit');
    await writeFile(join(dir.path, 'campaign.ndjson'), asLines(smallCampaignCommands()));
    for (const store of ['sqlite:sound.db', 'sqlite:tampered.db']) {
      const exec = await runCli(['--store', store, 'exec', 'campaign.ndjson'], { cwd: dir.path });
      expect(exec.code).toBe(0);
    }
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('finds a sound log sound: exit code 0 and what was checked', async () => {
    const run = await runCli(['--store', 'sqlite:sound.db', 'audit', 'verify'], { cwd: dir.path });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is sound');
    expect(run.stdout).toMatch(/25 events in 5 streams/);
    expect(run.stdout).toContain('replayed twice, identical documents');
  });

  it('shows each step of the verification with --progress always', async () => {
    const run = await runCli(['--store', 'sqlite:sound.db', '--progress', 'always', 'audit', 'verify'], { cwd: dir.path });
    expect(run.code).toBe(0);
    const steps = run.stderr.split('\n').filter((line) => line !== '').map((line) => line.slice(0, line.indexOf(': ', 'audit verify: '.length)));
    // A slow machine may write a step twice (a line a second): the steps, in order, are what counts.
    expect([...new Set(steps)]).toEqual([
      'audit verify: hash chains and payloads',
      ...[1, 2].flatMap((round) =>
        ['standings', 'chair-history', 'audit-trail', 'campaign-progress'].map((name) => `audit verify: replay ${round} of 2, ${name}`),
      ),
    ]);
  });

  it('names the event whose payload was changed in the database file: exit code 1', async () => {
    const db = new Database(join(dir.path, 'tampered.db'));
    let target: { position: number; stream_id: string; revision: number; id: string };
    try {
      target = db
        .prepare<[], { position: number; stream_id: string; revision: number; id: string }>(
          "SELECT position, stream_id, revision, id FROM thidua_events WHERE type = 'ScoreRecorded' ORDER BY position LIMIT 1 OFFSET 2",
        )
        .get()!;
      // A plausible forgery: still a valid payload, so only the hash chain can tell.
      db.prepare("UPDATE thidua_events SET data = json_set(data, '$.points', 40) WHERE position = ?").run(target.position);
    } finally {
      db.close();
    }

    const run = await runCli(['--store', 'sqlite:tampered.db', 'audit', 'verify'], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('UNSOUND');
    expect(run.stderr).toContain(`event ${target.stream_id}@${target.revision} (position ${target.position}, id ${target.id})`);
    expect(run.stderr).toMatch(/hash chain broken: .*altered/);
  });

  it('names an event whose payload the registry refuses, even when its hash was forged to match', async () => {
    const exec = await runCli(['--store', 'sqlite:forged.db', 'exec', 'campaign.ndjson'], { cwd: dir.path });
    expect(exec.code).toBe(0);
    const db = new Database(join(dir.path, 'forged.db'));
    let target: { position: number; stream_id: string; revision: number; type: string; schema_version: number; data: string; metadata: string };
    try {
      // The last event of the campaign stream: re-sealing it needs no later hash rewritten.
      target = db
        .prepare<[string], typeof target>(
          'SELECT position, stream_id, revision, type, schema_version, data, metadata FROM thidua_events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
        )
        .get(`campaign-${SMALL_CAMPAIGN}`)!;
      const data = { ...(JSON.parse(target.data) as Record<string, unknown>), closedAt: 'some day' };
      const metadata = JSON.parse(target.metadata) as { prevHash: string | null; hash: string };
      const hash = computeEventHash(metadata.prevHash, {
        streamId: target.stream_id,
        revision: BigInt(target.revision),
        type: target.type,
        schemaVersion: target.schema_version,
        data,
        metadata,
      });
      db.prepare('UPDATE thidua_events SET data = ?, metadata = ? WHERE position = ?').run(
        JSON.stringify(data),
        JSON.stringify({ ...metadata, hash }),
        target.position,
      );
    } finally {
      db.close();
    }

    const run = await runCli(['--store', 'sqlite:forged.db', 'audit', 'verify'], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`event ${target.stream_id}@${target.revision} (position ${target.position}`);
    expect(run.stderr).toMatch(/payload refused by the registry: .*closedAt/);
  });

  it('prints the trail of a stream as a table, or as JSON', async () => {
    const table = await runCli(['--store', 'sqlite:sound.db', 'audit', 'trail', '--stream', `campaign-${SMALL_CAMPAIGN}`], {
      cwd: dir.path,
    });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('CampaignLaunched');
    expect(table.stdout).toContain('hoi-dong-tdkt (council)');

    const json = await runCli(['--store', 'sqlite:sound.db', 'audit', 'trail', '--unit', 'khoi-a', '--format', 'json'], { cwd: dir.path });
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.stdout) as { type: string; units: string[]; commandId: string }[];
    expect(entries.map((entry) => entry.type)).toEqual(expect.arrayContaining(['MemberAdmitted', 'PledgeSigned', 'ScoreRecorded']));
    for (const entry of entries) expect(entry.units).toContain('khoi-a');
  });

  it('needs exactly one of --stream and --unit (exit code 2)', async () => {
    const neither = await runCli(['--store', 'sqlite:sound.db', 'audit', 'trail'], { cwd: dir.path });
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('exactly one of --stream');
    const both = await runCli(['--store', 'sqlite:sound.db', 'audit', 'trail', '--stream', 's', '--unit', 'u'], { cwd: dir.path });
    expect(both.code).toBe(2);
  });
});
