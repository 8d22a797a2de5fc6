import { CorruptLogError, type RecordedEvent } from '@thidua/eventsourcing';
import { counterRegistry } from '@thidua/eventsourcing/testing';
import { adminPool, describePostgres, TEST_DATABASE_URL, testSchemas } from './__fixtures__/postgres-target';
import { createPostgresEventStore } from './postgres-event-store';
import { readAllText } from './read';
import { ensureSchema, quoteIdent } from './schema';

/** One node of `EXPLAIN (FORMAT JSON)`, with the fields this test looks at. */
interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

describePostgres('read plans', () => {
  const schemas = testSchemas('read');
  const admin = adminPool(1);

  it('keeps a filtered page of the log an ordered scan of positions before the table is ever analysed', async () => {
    const schema = schemas.next();
    const q = quoteIdent(schema);
    await ensureSchema(admin, schema);
    const client = await admin.connect();
    try {
      // As after a bulk import: rows but no statistics, and no autovacuum to gather them during the test.
      await client.query(`ALTER TABLE ${q}.events SET (autovacuum_enabled = false)`);
      await client.query(
        `INSERT INTO ${q}.events (position, stream_id, revision, event_id, type, schema_version, data, metadata, recorded_at)
         SELECT g, 'pledge-' || (g % 500), g / 500, 'e-' || g, (ARRAY['Scored', 'Scored', 'Signed', 'Admitted'])[1 + g % 4],
                1, '{}', '{}', clock_timestamp()
         FROM generate_series(1, 50000) AS g`,
      );
      const shapes = [
        { types: true, prefixes: false, args: `'{Scored,Admitted}'` },
        { types: false, prefixes: true, args: `'{pledge-1%,pledge-2%}'` },
        { types: true, prefixes: true, args: `'{Scored,Admitted}', '{pledge-1%}'` },
      ];
      // Both plans a prepared statement can get: custom (its first runs) and generic (later).
      for (const mode of ['force_custom_plan', 'force_generic_plan']) {
        await client.query(`SET plan_cache_mode = ${mode}`);
        for (const shape of shapes) {
          await client.query(`PREPARE read_all_page AS ${readAllText(q, shape)}`);
          const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
            `EXPLAIN (FORMAT JSON) EXECUTE read_all_page(25000, 1000, ${shape.args})`,
          );
          await client.query('DEALLOCATE read_all_page');
          const nodes = nodesOf(rows[0]!['QUERY PLAN'][0].Plan);
          expect({ mode, shape: shape.args, plan: nodes.map((node) => node['Node Type']) }).toEqual({
            mode,
            shape: shape.args,
            plan: ['Limit', 'Index Scan'],
          });
          expect(nodes[1]?.['Index Name']).toBe('events_pkey');
        }
      }
    } finally {
      await client.query('RESET plan_cache_mode').catch(() => undefined);
      client.release();
    }
  });

  /*
   * Reads hand payloads and metadata out as text, parsed when used, and the
   * registry validates each distinct payload text once: a row changed in
   * the database after a good read is another text, and still refused.
   */
  it('refuses a payload made invalid in the database after it was read and validated, naming stream and revision', async () => {
    const schema = schemas.next();
    const store = createPostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, registry: counterRegistry });
    const read = async (): Promise<RecordedEvent[]> => {
      const events: RecordedEvent[] = [];
      for await (const event of store.readStream('pledge-x')) events.push(event);
      return events;
    };
    try {
      await store.appendToStream('pledge-x', [{ type: 'Added', data: { counterId: 'x', amount: 2 } }, { type: 'Added', data: { counterId: 'x', amount: 3 } }], { expectedRevision: 'no_stream' });
      const [first, second] = await read();
      expect(first).toMatchObject({ revision: 0n, data: { counterId: 'x', amount: 2 }, metadata: { prevHash: null } });
      expect(second?.metadata.prevHash).toBe(first?.metadata.hash);
      expect((await read()).map((e) => e.data)).toEqual([{ counterId: 'x', amount: 2 }, { counterId: 'x', amount: 3 }]);
      // An amount must be a positive integer.
      await admin.query(`UPDATE ${quoteIdent(schema)}.events SET data = '{"counterId": "x", "amount": -3}' WHERE stream_id = 'pledge-x' AND revision = 1`);
      const refusal = await read().then(
        () => null,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(CorruptLogError);
      expect(refusal).toMatchObject({ code: 'corrupt_log', streamId: 'pledge-x', revision: 1n });
      // Raw reads show what is stored, parsed on access.
      const raw: RecordedEvent[] = [];
      for await (const event of store.readStream('pledge-x', { raw: true })) raw.push(event);
      expect(raw.map((e) => e.data)).toEqual([{ counterId: 'x', amount: 2 }, { counterId: 'x', amount: -3 }]);
    } finally {
      await store.close();
    }
  });
});
