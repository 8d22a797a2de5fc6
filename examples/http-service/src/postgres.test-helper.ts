import { Pool } from 'pg';
import { TEST_DATABASE_URL } from '@thidua/store-postgres/testing';

// The server and the skip rule every package's tests share.
export { describePostgres, TEST_DATABASE_URL } from '@thidua/store-postgres/testing';

/** This test file's own schema, dropped after its tests. Call inside a describe. */
export function testSchema(label: string): string {
  const schema = `thidua_t_${label}_${process.pid}`;
  afterAll(async () => {
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    try {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await pool.end();
    }
  });
  return schema;
}
