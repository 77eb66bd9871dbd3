import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit, onAfterCommitError, withTransaction, type Database } from '../../src/db/pool.ts';
import { createTestDatabase } from '../helpers/database.ts';

describe('afterCommit', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query('CREATE TABLE after_commit_probe (n int)');
  });
  afterAll(() => db.close());

  it('runs after COMMIT, when another connection already sees the row', async () => {
    const seen: number[] = [];
    await withTransaction(db.pool, async (q) => {
      await q.query('INSERT INTO after_commit_probe VALUES (1)');
      afterCommit(q, async () => {
        const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM after_commit_probe WHERE n = 1');
        seen.push(rows[0].n);
      });
      expect(seen).toEqual([]);
    });
    await expect.poll(() => seen).toEqual([1]);
  });

  it('never runs when the transaction rolls back', async () => {
    let ran = false;
    await expect(withTransaction(db.pool, async (q) => {
      await q.query('INSERT INTO after_commit_probe VALUES (2)');
      afterCommit(q, () => { ran = true; });
      throw new Error('turn failed');
    })).rejects.toThrow('turn failed');
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM after_commit_probe WHERE n = 2');
    expect(rows[0].n).toBe(0);
    expect(ran).toBe(false);
  });

  it('reports a throwing callback instead of failing the committed transaction', async () => {
    const reported: unknown[] = [];
    const previous = onAfterCommitError((err) => reported.push(err));
    try {
      const result = await withTransaction(db.pool, async (q) => {
        await q.query('INSERT INTO after_commit_probe VALUES (3)');
        afterCommit(q, () => { throw new Error('subscriber broke'); });
        afterCommit(q, () => Promise.reject(new Error('async subscriber broke')));
        return 'committed';
      });
      expect(result).toBe('committed');
      await expect.poll(() => reported.length).toBe(2);
      expect((reported[0] as Error).message).toBe('subscriber broke');
    } finally {
      onAfterCommitError(previous);
    }
  });

  it('runs at once outside a transaction (the statement committed by itself)', async () => {
    let ran = false;
    afterCommit(db.pool, () => { ran = true; });
    expect(ran).toBe(true);
  });
});
