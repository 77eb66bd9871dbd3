import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/db/pool.ts';
import { migrate } from '../../src/db/migrate.ts';

/**
 * A fresh, migrated database for one test file: an in-memory PGlite by default, or a schema of its own
 * on the server named by TEST_DATABASE_URL (dropped again by `close`).
 */
export async function createTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db);
    return db;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ url, schema, poolSize: 5 });
  await migrate(db);
  return {
    ...db,
    async close() {
      await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await db.close();
    },
  };
}
