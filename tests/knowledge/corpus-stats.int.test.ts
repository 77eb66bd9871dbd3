import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/pool.ts';
import { createKnowledge, type Knowledge } from '../../src/knowledge/index.ts';
import { readCorpusStats } from '../../src/knowledge/corpus-stats.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { testConfig } from '../helpers/app.ts';

let db: Database;
let kb: Knowledge;

beforeAll(async () => {
  db = await createTestDatabase();
  kb = await createKnowledge(testConfig(), db);
});
afterAll(async () => {
  await db.close();
});

/** The totals recomputed from the chunks themselves: what kb_corpus_stats must always equal. */
async function recomputed() {
  const { rows } = await db.pool.query<{ chunks: number; tokens: number; chars: number }>(
    `SELECT count(*)::int AS chunks, coalesce(sum(token_count), 0)::int AS tokens,
            coalesce(sum(char_length(array_to_string(heading_path, '')) + char_length(content)), 0)::int AS chars
       FROM kb_chunks`,
  );
  const r = rows[0];
  return { chunks: r.chunks, averageTokens: r.chunks ? r.tokens / r.chunks : 0, averageChars: r.chunks ? r.chars / r.chunks : 0 };
}

describe('kb_corpus_stats', () => {
  it('follows every add, change and delete of a document', async () => {
    const doc = { sourceKey: 'test:stats', title: '小麦条锈病', category: 'agronomy' as const, format: 'markdown' as const };
    const a = await kb.store.upsert({ ...doc, content: '## 症状\n叶片上有黄色条状孢子堆。\n\n## 防治\n发病初期喷三唑酮或戊唑醇。' });
    await kb.store.upsert({ sourceKey: 'test:other', title: '玉米螟', category: 'agronomy', format: 'markdown', content: '心叶期撒颗粒剂防治玉米螟。' });
    expect(await readCorpusStats(db.pool)).toEqual(await recomputed());
    // changed: the old chunks are subtracted, the new ones added (title changed too)
    await kb.store.upsert({ ...doc, title: '小麦条锈病怎么治', content: '发病初期每亩用戊唑醇喷雾，隔7到10天再喷一次。' });
    const afterChange = await readCorpusStats(db.pool);
    expect(afterChange).toEqual(await recomputed());
    expect(afterChange.chunks).toBe(2);
    expect(await kb.store.delete(a.id)).toBe(true);
    const afterDelete = await readCorpusStats(db.pool);
    expect(afterDelete).toEqual(await recomputed());
    expect(afterDelete.chunks).toBe(1);
    expect(afterDelete.averageTokens).toBeGreaterThan(0);
  });
});
