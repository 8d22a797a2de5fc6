/**
 * The 17 edits: a small campaign log on SQLite and on PostgreSQL, a signed
 * anchor taken of it, then each of 17 direct SQL edits applied to a fresh
 * copy of the database, and `thidua audit verify --anchor … --public-key …`
 * must find every one (through `main()` from the sources).
 *
 * Each edit also records what `audit verify` finds WITHOUT an anchor (and
 * with the anchors the store recorded deleted, as an intruder would), and
 * the test asserts that too, so the table says honestly which edits only an
 * anchor catches. The forged event appended after the anchor touches no
 * anchored event: the anchor cannot see it, the domain rule does (a score
 * after scoring closed), and the count of events after the last signed
 * anchor reports it. An edit that breaks a chain without re-sealing leaves
 * every stored hash as it was, so the anchor's digests (over stored hashes)
 * still match: the chain is what names it, with or without an anchor.
 */
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { computeEventHash, eventIdFor } from '@thidua/eventsourcing';
import { createPostgresEventStore } from '@thidua/store-postgres';
import { createTestSchema, describePostgres, TEST_DATABASE_URL, type TestSchema } from '@thidua/store-postgres/testing';
import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { runMain, tempWorkdir, writeCampaignFile } from '../run-cli.test-helper';

/** One event row, whatever the store calls its columns. */
interface Row {
  position: number;
  streamId: string;
  revision: number;
  id: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown> & { prevHash: string | null; hash: string };
  recordedAt: string;
}

/** The SQL edits an intruder with database access can make, on one copy. */
interface LogDb {
  events(): Promise<Row[]>;
  update(position: number, set: Partial<Omit<Row, 'streamId' | 'revision'>>): Promise<void>;
  remove(positions: readonly number[]): Promise<void>;
  insert(row: Row): Promise<void>;
  /** Moves every event from `position` on one position up, leaving a hole. */
  shiftFrom(position: number): Promise<void>;
  swapPositions(a: number, b: number): Promise<void>;
  /** Changes what the store records besides the events: a stream tip (PostgreSQL), the AUTOINCREMENT head (SQLite, which records no tips). */
  editBookkeeping(): Promise<void>;
  /** What a careful intruder does after appending: make the store's bookkeeping agree with the events again. */
  syncBookkeeping(): Promise<void>;
  /** What an intruder would do first: delete the anchors the store recorded. */
  deleteStoredAnchors(): Promise<void>;
  close(): Promise<void>;
}

/** A store kind: its base log's URL, and fresh copies of it. */
interface Target {
  copy(label: string): Promise<{ url: string; db: LogDb }>;
  cleanUp(): Promise<void>;
}

const PLEDGE_02 = 'pledge-campaign-cli.unit-02';

/** Re-seals an event's hash over its content, as a careful intruder would. */
function resealed(row: Row): Row['metadata'] {
  const hash = computeEventHash(row.metadata.prevHash, {
    streamId: row.streamId,
    revision: BigInt(row.revision),
    type: row.type,
    schemaVersion: row.schemaVersion,
    data: row.data,
    metadata: row.metadata,
  });
  return { ...row.metadata, hash };
}

const at = (rows: readonly Row[], position: number): Row => {
  const row = rows.find((candidate) => candidate.position === position);
  if (!row) throw new Error(`no event at position ${position}`);
  return row;
};

/** A new event at the tip of `streamId`, correctly chained, with the id the kernel would derive. */
function forged(rows: readonly Row[], streamId: string, position: number, type: string, data: Record<string, unknown>, commandId: string): Row {
  const tip = rows.filter((row) => row.streamId === streamId && row.position < position).at(-1)!;
  const row: Row = {
    ...tip,
    position,
    revision: tip.revision + 1,
    id: eventIdFor(commandId, streamId, 0),
    type,
    data,
    metadata: { ...tip.metadata, commandId, correlationId: commandId, causationId: commandId, prevHash: tip.metadata.hash, hash: '' },
    recordedAt: new Date().toISOString(),
  };
  return { ...row, metadata: resealed(row) };
}

/** Checks the verification names: which check found the edit. */
type Checks = readonly string[];

interface Edit {
  name: string;
  apply(db: LogDb, rows: readonly Row[]): Promise<void>;
  /** Checks that must fail with the anchor and public key (besides those that fail without it). */
  withAnchor: Checks;
  /** Events after the last signed anchor, when the edit added some. */
  after?: number;
  /** Checks that fail without any anchor, per store; `[]`: only the anchor catches it there. */
  without: { sqlite: Checks; postgres: Checks };
}

const scoreData = (row: Row, points: number) => ({ ...row.data, points });

const EDITS: readonly Edit[] = [
  {
    name: 'edited payload',
    apply: (db, rows) => db.update(11, { data: scoreData(at(rows, 11), 10) }),
    withAnchor: ['hash-chains'],
    without: { sqlite: ['hash-chains'], postgres: ['hash-chains'] },
  },
  {
    name: 'edited payload, hash recomputed',
    apply: async (db, rows) => {
      const row = { ...at(rows, 11), data: scoreData(at(rows, 11), 10) };
      await db.update(11, { data: row.data, metadata: resealed(row) });
    },
    withAnchor: ['hash-chains', 'anchors'],
    without: { sqlite: ['hash-chains'], postgres: ['hash-chains'] },
  },
  {
    name: "a stream's last event edited, hash recomputed",
    apply: async (db, rows) => {
      const row = { ...at(rows, 16), data: scoreData(at(rows, 16), 9) };
      await db.update(16, { data: row.data, metadata: resealed(row) });
    },
    withAnchor: ['anchors'],
    without: { sqlite: [], postgres: ['bookkeeping'] },
  },
  {
    name: 'deleted middle event',
    apply: (db) => db.remove([13]),
    withAnchor: ['hash-chains', 'positions', 'anchors'],
    without: { sqlite: ['hash-chains', 'positions'], postgres: ['hash-chains', 'positions'] },
  },
  {
    name: 'tail truncation',
    apply: (db) => db.remove([24, 25]),
    withAnchor: ['anchors'],
    without: { sqlite: ['bookkeeping'], postgres: ['bookkeeping'] },
  },
  {
    name: 'deleted pledge stream',
    apply: (db, rows) => db.remove(rows.filter((row) => row.streamId === PLEDGE_02).map((row) => row.position)),
    withAnchor: ['positions', 'domain-rules', 'anchors'],
    without: { sqlite: ['positions', 'domain-rules'], postgres: ['positions', 'bookkeeping', 'domain-rules'] },
  },
  {
    name: 'rewritten tail',
    apply: async (db, rows) => {
      const last = at(rows, 25);
      await db.remove([25]);
      await db.insert(forged(rows, last.streamId, 25, last.type, { ...last.data, closedAt: '2014-03-01T08:00:00+07:00' }, 'rewritten-close'));
    },
    withAnchor: ['anchors'],
    without: { sqlite: [], postgres: ['bookkeeping'] },
  },
  {
    name: 'forged, correctly chained event appended',
    apply: (db, rows) => db.insert(forged(rows, PLEDGE_02, 26, 'ScoreRecorded', { ...at(rows, 16).data, criterionId: 'c1', points: 10 }, 'forged-score')),
    // Appended after the anchor: no anchored event changed. The domain rule sees it, and the count after the last signed anchor.
    withAnchor: ['domain-rules'],
    after: 1,
    without: { sqlite: ['domain-rules'], postgres: ['bookkeeping', 'domain-rules'] },
  },
  {
    name: 'cross-stream swap of positions',
    apply: (db) => db.swapPositions(12, 13),
    withAnchor: ['anchors'],
    without: { sqlite: [], postgres: [] },
  },
  {
    name: 'cross-stream swap of data',
    apply: async (db, rows) => {
      await db.update(12, { data: at(rows, 13).data });
      await db.update(13, { data: at(rows, 12).data });
    },
    withAnchor: ['hash-chains'],
    without: { sqlite: ['hash-chains'], postgres: ['hash-chains'] },
  },
  {
    name: 'changed recordedAt',
    apply: (db) => db.update(5, { recordedAt: '2013-01-01T00:00:00.000Z' }),
    withAnchor: ['anchors'],
    without: { sqlite: [], postgres: [] },
  },
  {
    name: 'changed event id',
    apply: (db) => db.update(5, { id: '4f7d2c1e-9b3a-4e6f-8a1d-2c3b4a5d6e7f' }),
    withAnchor: ['event-ids', 'anchors'],
    without: { sqlite: ['event-ids'], postgres: ['event-ids'] },
  },
  {
    name: 'changed type',
    apply: (db) => db.update(17, { type: 'ChairFlagTransferred' }),
    withAnchor: ['hash-chains', 'payloads'],
    without: { sqlite: ['hash-chains', 'payloads'], postgres: ['hash-chains', 'payloads'] },
  },
  {
    name: 'changed schemaVersion',
    apply: (db) => db.update(10, { schemaVersion: 2 }),
    withAnchor: ['hash-chains', 'payloads'],
    without: { sqlite: ['hash-chains', 'payloads'], postgres: ['hash-chains', 'payloads'] },
  },
  {
    name: 'changed metadata actor',
    apply: (db, rows) => db.update(10, { metadata: { ...at(rows, 10).metadata, actor: { id: 'someone-else', role: 'council' } } }),
    withAnchor: ['hash-chains'],
    without: { sqlite: ['hash-chains'], postgres: ['hash-chains'] },
  },
  {
    name: 'bookkeeping changed',
    apply: (db) => db.editBookkeeping(),
    withAnchor: ['bookkeeping'],
    without: { sqlite: ['bookkeeping'], postgres: ['bookkeeping'] },
  },
  {
    name: 'a position hole',
    apply: (db) => db.shiftFrom(20),
    withAnchor: ['positions', 'bookkeeping', 'anchors'],
    // The last anchored event moved to position 26, after the anchor.
    after: 1,
    without: { sqlite: ['positions', 'bookkeeping'], postgres: ['positions', 'bookkeeping'] },
  },
];

interface Verdict {
  sound: boolean;
  failed: string[];
  eventsAfterLastSignedAnchor?: number;
  findings: { check: string; problem: string }[];
}

async function verify(url: string, extra: readonly string[]): Promise<Verdict> {
  const run = await runMain(['--store', url, 'audit', 'verify', '--format', 'json', ...extra]);
  if (run.code !== 0 && run.code !== 1) throw new Error(`audit verify exited ${run.code}: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as Verdict & { checks: { name: string; status: string }[] };
  expect(run.code).toBe(report.sound ? 0 : 1);
  return { ...report, failed: report.checks.filter((check) => check.status === 'failed').map((check) => check.name) };
}

function describeTampering(kind: 'sqlite' | 'postgres', target: () => Target, files: () => { anchor: string; publicKey: string }): void {
  it.each(EDITS.map((edit) => [edit.name, edit] as const))(`${kind}: %s`, async (_name, edit) => {
    const label = edit.name.replace(/[^a-z]+/gi, '_').toLowerCase().slice(0, 24);
    const { url, db } = await target().copy(label);
    try {
      await db.deleteStoredAnchors();
      await edit.apply(db, await db.events());
    } finally {
      await db.close();
    }
    const { anchor, publicKey } = files();
    const withAnchor = await verify(url, ['--anchor', anchor, '--public-key', publicKey]);
    expect(withAnchor.sound).toBe(false);
    expect([edit.name, withAnchor.failed]).toEqual([edit.name, expect.arrayContaining([...edit.withAnchor, ...edit.without[kind]])]);
    expect(withAnchor.eventsAfterLastSignedAnchor).toBe(edit.after ?? 0);
    const without = await verify(url, []);
    expect([edit.name, without.failed]).toEqual([edit.name, edit.without[kind]]);
  });

  it(`${kind}: a cut tail passes every chain without an anchor; the anchor catches it`, async () => {
    const { url, db } = await target().copy('cut_tail');
    try {
      await db.deleteStoredAnchors();
      await db.remove([24, 25]);
    } finally {
      await db.close();
    }
    const without = await verify(url, []);
    expect(without.failed).not.toContain('hash-chains');
    const { anchor, publicKey } = files();
    const withAnchor = await verify(url, ['--anchor', anchor, '--public-key', publicKey]);
    expect(withAnchor.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ check: 'anchors', problem: expect.stringContaining('the log ends at position 23, before the position 25') })]),
    );
  });

  it(`${kind}: an unsigned forged tail after the last signed anchor is reported, with its length`, async () => {
    const { url, db } = await target().copy('forged_tail');
    try {
      const rows = await db.events();
      // Bloc events: no domain rule forbids them; each correctly chained, with the id the kernel would derive.
      let all = [...rows];
      for (const position of [26, 27]) {
        const row = forged(all, 'bloc-bloc-cli', position, at(rows, 24).type, { ...at(rows, 24).data, termYear: 2015 + position }, `forged-${position}`);
        await db.insert(row);
        all = [...all, row];
      }
      await db.syncBookkeeping();
    } finally {
      await db.close();
    }
    const { anchor, publicKey } = files();
    const report = await verify(url, ['--anchor', anchor, '--public-key', publicKey]);
    expect(report.eventsAfterLastSignedAnchor).toBe(2);
    expect(report.failed).not.toContain('anchors');
  });
}

describe('the 17 edits', () => {
  let dir: Awaited<ReturnType<typeof tempWorkdir>>;
  const anchorFiles = { anchor: '', publicKey: '' };
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');

  beforeAll(async () => {
    dir = await tempWorkdir('tampering');
    await writeCampaignFile(dir.file('campaign.ndjson'));
    await writeFile(dir.file('key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(dir.file('key.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    anchorFiles.publicKey = dir.file('key.pub.pem');
  });
  afterAll(async () => {
    await dir.remove();
  });

  /** Builds the base log in `url`, anchors it (signed) into `file`, and checks the untouched log is sound. */
  async function buildAndAnchor(url: string, file: string): Promise<void> {
    expect((await runMain(['--store', url, 'exec', dir.file('campaign.ndjson')])).code).toBe(0);
    const anchored = await runMain(['--store', url, 'audit', 'anchor', '--key', dir.file('key.pem'), '--out', file]);
    expect(anchored.code).toBe(0);
    anchorFiles.anchor = file;
    const sound = await verify(url, ['--anchor', file, '--public-key', dir.file('key.pub.pem')]);
    expect(sound).toMatchObject({ sound: true, eventsAfterLastSignedAnchor: 0 });
  }

  describe('on SQLite', () => {
    const sqlite: Target = {
      async copy(label) {
        const path = dir.file(`copy-${label}.db`);
        copyFileSync(dir.file('base.db'), path);
        if (existsSync(dir.file('base.db-wal'))) copyFileSync(dir.file('base.db-wal'), `${path}-wal`);
        return { url: `sqlite:${path}`, db: sqliteDb(path) };
      },
      async cleanUp() {},
    };
    beforeAll(async () => {
      await buildAndAnchor(dir.store('base.db'), dir.file('sqlite-anchor.json'));
    });
    describeTampering('sqlite', () => sqlite, () => ({ ...anchorFiles, anchor: dir.file('sqlite-anchor.json') }));
  });

  describePostgres('on PostgreSQL', () => {
    const schemas: TestSchema[] = [];
    const base = createTestSchema('tamper_base');
    schemas.push(base);
    const postgres: Target = {
      async copy(label) {
        // One schema per copy, each dropped after the file: a copy is the base's tables, row for row.
        const schema = createTestSchema(`tamper_${label}`);
        schemas.push(schema);
        const store = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema: schema.name });
        await store.headPosition();
        await store.close();
        const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
        const [to, from] = [`"${schema.name}"`, `"${base.name}"`];
        await pool.query(`INSERT INTO ${to}.events SELECT * FROM ${from}.events`);
        await pool.query(`INSERT INTO ${to}.streams SELECT * FROM ${from}.streams`);
        await pool.query(`UPDATE ${to}.log_head SET last_position = (SELECT last_position FROM ${from}.log_head)`);
        await pool.query(`INSERT INTO ${to}.anchors SELECT * FROM ${from}.anchors`);
        return { url: schema.url, db: postgresDb(pool, to) };
      },
      async cleanUp() {
        for (const schema of schemas) await schema.drop();
      },
    };
    beforeAll(async () => {
      await base.drop();
      await buildAndAnchor(base.url, dir.file('postgres-anchor.json'));
    });
    afterAll(async () => {
      await postgres.cleanUp();
    });
    describeTampering('postgres', () => postgres, () => ({ ...anchorFiles, anchor: dir.file('postgres-anchor.json') }));
  });
});

function sqliteDb(path: string): LogDb {
  const db = new Database(path);
  const columns = { position: 'position', id: 'id', type: 'type', schemaVersion: 'schema_version', data: 'data', metadata: 'metadata', recordedAt: 'recorded_at' } as const;
  const value = (key: string, raw: unknown) => (key === 'data' || key === 'metadata' ? JSON.stringify(raw) : raw);
  return {
    async events() {
      return db
        .prepare<[], Record<string, unknown>>('SELECT * FROM thidua_events ORDER BY position')
        .all()
        .map((row) => ({
          position: row['position'] as number,
          streamId: row['stream_id'] as string,
          revision: row['revision'] as number,
          id: row['id'] as string,
          type: row['type'] as string,
          schemaVersion: row['schema_version'] as number,
          data: JSON.parse(row['data'] as string) as Row['data'],
          metadata: JSON.parse(row['metadata'] as string) as Row['metadata'],
          recordedAt: row['recorded_at'] as string,
        }));
    },
    async update(position, set) {
      const entries = Object.entries(set);
      db.prepare(`UPDATE thidua_events SET ${entries.map(([key]) => `${columns[key as keyof typeof columns]} = ?`).join(', ')} WHERE position = ?`).run(
        ...entries.map(([key, raw]) => value(key, raw)),
        position,
      );
    },
    async remove(positions) {
      for (const position of positions) db.prepare('DELETE FROM thidua_events WHERE position = ?').run(position);
    },
    async insert(row) {
      db.prepare(
        'INSERT INTO thidua_events (position, stream_id, revision, id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(row.position, row.streamId, row.revision, row.id, row.type, row.schemaVersion, JSON.stringify(row.data), JSON.stringify(row.metadata), row.recordedAt);
    },
    async shiftFrom(position) {
      db.prepare('UPDATE thidua_events SET position = -(position + 1) WHERE position >= ?').run(position);
      db.prepare('UPDATE thidua_events SET position = -position WHERE position < 0').run();
    },
    async swapPositions(a, b) {
      db.prepare('UPDATE thidua_events SET position = -1 WHERE position = ?').run(a);
      db.prepare('UPDATE thidua_events SET position = ? WHERE position = ?').run(a, b);
      db.prepare('UPDATE thidua_events SET position = ? WHERE position = -1').run(b);
    },
    async editBookkeeping() {
      db.prepare("UPDATE sqlite_sequence SET seq = seq + 3 WHERE name = 'thidua_events'").run();
    },
    async syncBookkeeping() {
      // An insert with a larger explicit position moves the AUTOINCREMENT counter itself.
    },
    async deleteStoredAnchors() {
      db.prepare('DELETE FROM thidua_anchors').run();
    },
    async close() {
      db.close();
    },
  };
}

function postgresDb(pool: Pool, q: string): LogDb {
  const columns = { position: 'position', id: 'event_id', type: 'type', schemaVersion: 'schema_version', data: 'data', metadata: 'metadata', recordedAt: 'recorded_at' } as const;
  const value = (key: string, raw: unknown) => (key === 'data' || key === 'metadata' ? JSON.stringify(raw) : raw);
  return {
    async events() {
      const { rows } = await pool.query<Record<string, unknown>>(
        `SELECT position::int AS position, stream_id, revision::int AS revision, event_id, type, schema_version, data, metadata,
                to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
         FROM ${q}.events ORDER BY position`,
      );
      return rows.map((row) => ({
        position: row['position'] as number,
        streamId: row['stream_id'] as string,
        revision: row['revision'] as number,
        id: row['event_id'] as string,
        type: row['type'] as string,
        schemaVersion: row['schema_version'] as number,
        data: row['data'] as Row['data'],
        metadata: row['metadata'] as Row['metadata'],
        recordedAt: row['recorded_at'] as string,
      }));
    },
    async update(position, set) {
      const entries = Object.entries(set);
      await pool.query(
        `UPDATE ${q}.events SET ${entries.map(([key], index) => `${columns[key as keyof typeof columns]} = $${index + 1}`).join(', ')} WHERE position = $${entries.length + 1}`,
        [...entries.map(([key, raw]) => value(key, raw)), position],
      );
    },
    async remove(positions) {
      await pool.query(`DELETE FROM ${q}.events WHERE position = ANY($1::bigint[])`, [positions]);
    },
    async insert(row) {
      await pool.query(
        `INSERT INTO ${q}.events (position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [row.position, row.streamId, row.revision, row.id, row.type, row.schemaVersion, JSON.stringify(row.data), JSON.stringify(row.metadata), row.recordedAt],
      );
    },
    async shiftFrom(position) {
      await pool.query(`UPDATE ${q}.events SET position = -(position + 1) WHERE position >= $1`, [position]);
      await pool.query(`UPDATE ${q}.events SET position = -position WHERE position < 0`);
    },
    async swapPositions(a, b) {
      await pool.query(`UPDATE ${q}.events SET position = -1 WHERE position = $1`, [a]);
      await pool.query(`UPDATE ${q}.events SET position = $1 WHERE position = $2`, [a, b]);
      await pool.query(`UPDATE ${q}.events SET position = $1 WHERE position = -1`, [b]);
    },
    async editBookkeeping() {
      await pool.query(`UPDATE ${q}.streams SET revision = revision + 1 WHERE stream_id = 'pledge-campaign-cli.unit-00'`);
    },
    async syncBookkeeping() {
      await pool.query(`UPDATE ${q}.log_head SET last_position = (SELECT max(position) FROM ${q}.events)`);
      await pool.query(
        `UPDATE ${q}.streams s SET revision = e.revision, hash = e.metadata ->> 'hash'
         FROM (SELECT DISTINCT ON (stream_id) stream_id, revision, metadata FROM ${q}.events ORDER BY stream_id, revision DESC) e
         WHERE s.stream_id = e.stream_id`,
      );
    },
    async deleteStoredAnchors() {
      await pool.query(`DELETE FROM ${q}.anchors`);
    },
    async close() {
      await pool.end();
    },
  };
}
