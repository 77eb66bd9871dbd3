import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementName, withTransaction, type Database } from '../../src/db/pool.ts';
import { createTestDatabase } from '../helpers/database.ts';

const PREPARED = 'SELECT statement FROM pg_prepared_statements WHERE statement = $1';

describe('prepared statements', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it('prepares a parameterised statement once per connection and answers as an unnamed one would', async () => {
    const text = 'SELECT $1::int + 1 AS n, $2::text AS label';
    const client = await db.pool.connect();
    try {
      for (let i = 0; i < 3; i++) {
        const { rows } = await client.query(text, [i, `第${i}次`]);
        expect(rows).toEqual([{ n: i + 1, label: `第${i}次` }]);
      }
      const { rows } = await client.query(PREPARED, [text]);
      expect(rows).toHaveLength(1);
      // The same text always goes under the same name, on every connection.
      expect(statementName(text)).toBe(statementName(text));
    } finally {
      client.release();
    }
    const viaPool = await db.pool.query(text, [41, 'pool']);
    expect(viaPool.rows).toEqual([{ n: 42, label: 'pool' }]);
  });

  it('leaves a vector search unnamed, so its plan is chosen for each query as before', async () => {
    const text = "SELECT round((public.vector '[1,0]' <=> $1::public.vector)::numeric, 3) AS d";
    expect(statementName(text)).toBeUndefined();
    const client = await db.pool.connect();
    try {
      const { rows } = await client.query(text, ['[0,1]']);
      expect(Number(rows[0].d)).toBe(1);
      expect((await client.query(PREPARED, [text])).rows).toEqual([]);
    } finally {
      client.release();
    }
  });

  it('keeps working after a prepared statement failed inside a transaction that rolled back', async () => {
    const text = 'SELECT $1::int AS n';
    await expect(withTransaction(db.pool, (q) => q.query(text, ['不是数字']))).rejects.toThrow(/invalid input syntax/);
    const { rows } = await withTransaction(db.pool, (q) => q.query(text, [7]));
    expect(rows).toEqual([{ n: 7 }]);
  });

  it('runs statements without values as plain queries (BEGIN, DDL), never prepared', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('CREATE TEMP TABLE prepared_probe (n int)');
      await client.query('INSERT INTO prepared_probe VALUES (1), (2)');
      const { rows } = await client.query('SELECT sum(n)::int AS s FROM prepared_probe');
      expect(rows).toEqual([{ s: 3 }]);
      const named = await client.query(
        "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%prepared_probe%'",
      );
      expect(named.rows).toEqual([{ n: 0 }]);
    } finally {
      client.release();
    }
  });
});
