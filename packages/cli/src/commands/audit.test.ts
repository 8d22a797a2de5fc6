/** `thidua audit verify` and `thidua audit trail`, through `main()` from the sources. */
import { join } from 'node:path';
import { computeEventHash } from '@thidua/eventsourcing';
import Database from 'better-sqlite3';
import { CAMPAIGN, runMain, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

describe('thidua audit', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  beforeAll(async () => {
    dir = await tempWorkdir('audit');
    await writeCampaignFile(dir.file('campaign.ndjson'));
    for (const store of [dir.store('sound.db'), dir.store('tampered.db')]) {
      const exec = await runMain(['--store', store, 'exec', dir.file('campaign.ndjson')]);
      expect(exec.code).toBe(0);
    }
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('finds a sound log sound: exit code 0 and what was checked', async () => {
    const run = await runMain(['--store', dir.store('sound.db'), 'audit', 'verify']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is sound');
    expect(run.stdout).toMatch(/25 events in 5 streams/);
    expect(run.stdout).toContain('replayed twice, identical documents');
  });

  it('shows each step of the verification with --progress always', async () => {
    const run = await runMain(['--store', dir.store('sound.db'), '--progress', 'always', 'audit', 'verify']);
    expect(run.code).toBe(0);
    const steps = run.stderr.split('\n').filter((line) => line !== '').map((line) => line.slice(0, line.indexOf(': ', 'audit verify: '.length)));
    // A slow machine may write a step twice (a line a second): the steps, in order, are what counts.
    expect([...new Set(steps)]).toEqual([
      'audit verify: hash chains and payloads',
      ...[1, 2].flatMap((round) =>
        ['standings', 'chair-history', 'audit-trail', 'campaign-progress', 'year-summary'].map((name) => `audit verify: replay ${round} of 2, ${name}`),
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

    const run = await runMain(['--store', dir.store('tampered.db'), 'audit', 'verify']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('UNSOUND');
    expect(run.stderr).toContain(`event ${target.stream_id}@${target.revision} (position ${target.position}, id ${target.id})`);
    expect(run.stderr).toMatch(/hash chain broken: .*altered/);
  });

  it('names an event whose payload the registry refuses, even when its hash was forged to match', async () => {
    const exec = await runMain(['--store', dir.store('forged.db'), 'exec', dir.file('campaign.ndjson')]);
    expect(exec.code).toBe(0);
    const db = new Database(join(dir.path, 'forged.db'));
    let target: { position: number; stream_id: string; revision: number; type: string; schema_version: number; data: string; metadata: string };
    try {
      // The last event of the campaign stream: re-sealing it needs no later hash rewritten.
      target = db
        .prepare<[string], typeof target>(
          'SELECT position, stream_id, revision, type, schema_version, data, metadata FROM thidua_events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
        )
        .get(`campaign-${CAMPAIGN.campaignId}`)!;
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

    const run = await runMain(['--store', dir.store('forged.db'), 'audit', 'verify']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`event ${target.stream_id}@${target.revision} (position ${target.position}`);
    expect(run.stderr).toMatch(/payload refused by the registry: .*closedAt/);
  });

  it('prints the trail of a stream as a table, or as JSON', async () => {
    const table = await runMain(['--store', dir.store('sound.db'), 'audit', 'trail', '--stream', `campaign-${CAMPAIGN.campaignId}`]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('CampaignLaunched');
    expect(table.stdout).toContain('hdtdkt (council)');
    expect(table.stdout).toContain('chair-cli (chair, unit-00)');

    const json = await runMain(['--store', dir.store('sound.db'), 'audit', 'trail', '--unit', 'unit-00', '--format', 'json']);
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.stdout) as { type: string; units: string[]; commandId: string; actor: { unitId?: string } | null }[];
    expect(entries.map((entry) => entry.type)).toEqual(expect.arrayContaining(['MemberAdmitted', 'PledgeSigned', 'ScoreRecorded']));
    // About the unit, or issued by it (the chair's own commands).
    for (const entry of entries) expect([entry.type, entry.units.includes('unit-00') || entry.actor?.unitId === 'unit-00']).toEqual([entry.type, true]);
  });

  it('needs exactly one of --stream and --unit (exit code 2)', async () => {
    const neither = await runMain(['--store', dir.store('sound.db'), 'audit', 'trail']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('exactly one of --stream');
    const both = await runMain(['--store', dir.store('sound.db'), 'audit', 'trail', '--stream', 's', '--unit', 'u']);
    expect(both.code).toBe(2);
  });

  it('exits 1 for a stream or unit the log does not know, like standings of an unknown bloc', async () => {
    const stream = await runMain(['--store', dir.store('sound.db'), 'audit', 'trail', '--stream', 'bloc-nowhere']);
    expect(stream).toMatchObject({ code: 1, stdout: '' });
    expect(stream.stderr).toMatch(/^error \[not_found\] No stream bloc-nowhere in /);
    const unit = await runMain(['--store', dir.store('sound.db'), 'audit', 'trail', '--unit', 'nobody', '--format', 'json']);
    expect(unit.code).toBe(1);
    expect(JSON.parse(unit.stderr)).toMatchObject({ error: { code: 'not_found', unitId: 'nobody' }, exitCode: 1 });
  });

  it('gives the findings to machines with --format json, sound or not', async () => {
    const sound = await runMain(['--store', dir.store('sound.db'), 'audit', 'verify', '--format', 'json']);
    expect(sound.code).toBe(0);
    const facts = JSON.parse(sound.stdout) as { checks: { name: string; status: string }[] };
    expect(facts).toMatchObject({
      store: dir.store('sound.db'),
      sound: true,
      events: 25,
      streams: 5,
      projections: ['standings', 'chair-history', 'audit-trail', 'campaign-progress', 'year-summary'],
      finding: null,
      findings: [],
      anchors: { checked: 0, stored: 0 },
    });
    expect(facts.checks.map((check) => `${check.name} ${check.status}`)).toEqual([
      'hash-chains passed',
      'payloads passed',
      'event-ids passed',
      'positions passed',
      'bookkeeping passed',
      'domain-rules passed',
      'anchors skipped',
      'anchor-signatures skipped',
      'replay passed',
    ]);
    const unsound = await runMain(['--store', dir.store('tampered.db'), 'audit', 'verify', '--format', 'json']);
    expect(unsound.code).toBe(1);
    expect(JSON.parse(unsound.stdout)).toMatchObject({
      sound: false,
      finding: {
        check: 'hash-chains',
        event: { streamId: expect.any(String), revision: expect.stringMatching(/^\d+$/), position: expect.stringMatching(/^\d+$/) },
        problem: expect.stringContaining('hash chain broken'),
      },
    });
  });
});
