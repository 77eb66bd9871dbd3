import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/pool.ts';
import { createKnowledge, type Knowledge } from '../../src/knowledge/index.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { testConfig } from '../helpers/app.ts';

let db: Database;
/** two instances on one database: `writer` changes the knowledge base, `reader` answers from its cache */
let writer: Knowledge;
let reader: Knowledge;

beforeAll(async () => {
  db = await createTestDatabase();
  writer = await createKnowledge(testConfig(), db);
  reader = await createKnowledge(testConfig(), db);
});
afterAll(async () => {
  await db.close();
});

const doc = { sourceKey: 'test:cache', title: '小麦条锈病', category: 'agronomy' as const, format: 'markdown' as const };
const titles = async (q: string) => (await reader.retriever.search(q, { limit: 3 })).map((h) => h.content);

describe('cached search results', () => {
  it('follow a change made through another instance at once, and a search asked again gets the same hits', async () => {
    await writer.store.upsert({ ...doc, content: '发病初期喷三唑酮。' });
    expect(await titles('小麦条锈病咋防治')).toEqual(['发病初期喷三唑酮。']);
    const again = await reader.retriever.search('小麦条锈病咋防治', { limit: 3 });
    expect(again).toEqual(await reader.retriever.search('小麦条锈病咋防治', { limit: 3 }));
    // a caller changing its hits changes nobody else's
    again[0].headingPath.push('改过');
    again[0].checks.score = -1;
    expect((await reader.retriever.search('小麦条锈病咋防治', { limit: 3 }))[0].checks.score).not.toBe(-1);

    await writer.store.upsert({ ...doc, content: '发病初期每亩用戊唑醇喷雾。' });
    expect(await titles('小麦条锈病咋防治')).toEqual(['发病初期每亩用戊唑醇喷雾。']);
    const { rows } = await db.pool.query('SELECT id FROM kb_documents WHERE source_key = $1', [doc.sourceKey]);
    await writer.store.delete(rows[0].id);
    expect(await titles('小麦条锈病咋防治')).toEqual([]);
  });

  it('any write to the knowledge tables raises the version, in the writer’s transaction', async () => {
    const version = async () => (await db.pool.query('SELECT version FROM kb_version')).rows[0].version;
    const before = await version();
    await db.pool.query(`UPDATE kb_documents SET title = title WHERE false`);
    expect(Number(await version())).toBe(Number(before) + 1);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`DELETE FROM kb_chunks WHERE false`);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(Number(await version())).toBe(Number(before) + 1);
  });

  it('keep no chunk of an older version: a chunk changed in place by SQL is read anew, by any question', async () => {
    await writer.store.upsert({ ...doc, sourceKey: 'test:cache-chunk', title: '玉米螟', content: '心叶末期撒颗粒剂。' });
    const first = (await reader.retriever.search('玉米螟咋治', { limit: 3 }))[0];
    expect(first.content).toBe('心叶末期撒颗粒剂。');
    expect(first.pastReview).toBe(false);
    // an operator's SQL, not the store: only the version tells the reader's process
    await db.pool.query('UPDATE kb_chunks SET content = $2 WHERE id = $1', [first.chunkId, '心叶末期用白僵菌颗粒剂。']);
    await db.pool.query(`UPDATE kb_documents SET title = '玉米螟防治', review_by = current_date - 1 WHERE id = $1`, [first.documentId]);
    const second = (await reader.retriever.search('玉米螟用啥药', { limit: 3 }))[0];
    expect(second.chunkId).toBe(first.chunkId);
    expect(second.content).toBe('心叶末期用白僵菌颗粒剂。');
    expect(second.title).toBe('玉米螟防治');
    expect(second.pastReview).toBe(true);
  });
});
