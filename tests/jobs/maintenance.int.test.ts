import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { seedStructuredData } from '../../src/data/index.ts';
import type { Database } from '../../src/db/pool.ts';
import { storedEmbedder } from '../../src/knowledge/embedding-column.ts';
import { createEmbedder } from '../../src/knowledge/embeddings/index.ts';
import { createKnowledge, loadTokenizer, type Knowledge } from '../../src/knowledge/index.ts';
import { expireOldRecords, maintainKnowledge, reembedBeforeStart } from '../../src/jobs/index.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { testConfig } from '../helpers/app.ts';

let db: Database;
let kb: Knowledge;
beforeAll(async () => {
  db = await createTestDatabase();
  kb = await createKnowledge(testConfig(), db);
  await kb.store.upsert({
    sourceKey: 'test:maintenance', title: '小麦条锈病防治', category: 'agronomy', format: 'markdown',
    content: '## 症状\n叶片上有鲜黄色条状孢子堆。\n## 防治\n发病初期用三唑酮或戊唑醇喷雾，隔7天再喷一次。',
  });
});
afterAll(async () => {
  await db?.close();
});

describe('knowledge maintenance', () => {
  it('reports a changed embedder without touching the vectors unless told to re-embed, and refreshes statistics', async () => {
    const other = createEmbedder(testConfig({ EMBEDDINGS_DIMENSIONS: '256' }), await loadTokenizer('./seeds'));
    const before = await storedEmbedder(db);
    const report = await maintainKnowledge({ db, embedder: other, reembedAuto: false });
    expect(report).toMatchObject({ embedder: 'mismatch', reembeddedChunks: 0 });
    expect(report.analyzed).toEqual(expect.arrayContaining(['kb_documents', 'kb_chunks', 'prices', 'messages']));
    expect(await storedEmbedder(db)).toEqual(before);

    let invalidated = 0;
    const auto = await maintainKnowledge({ db, embedder: other, reembedAuto: true, onReembedded: () => invalidated++ });
    expect(auto.embedder).toBe('reembedded');
    expect(auto.reembeddedChunks).toBeGreaterThan(0);
    expect(invalidated).toBe(1);
    expect(await storedEmbedder(db)).toEqual({ id: other.id, dimensions: 256 });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM kb_chunks WHERE embedding IS NULL');
    expect(rows[0].n).toBe(0);
    expect((await maintainKnowledge({ db, embedder: other, reembedAuto: true })).embedder).toBe('current');
  });

  it('re-embeds before start only when JOBS_REEMBED_AUTO is set, so the knowledge base opens instead of stopping', async () => {
    const back = { ADMIN_TOKEN: 'test-admin-token-0123456789', LOG_LEVEL: 'silent', EMBEDDINGS_DIMENSIONS: '512' };
    await expect(createKnowledge(loadConfig(back), db)).rejects.toThrow(/reembed/);
    expect(await reembedBeforeStart(loadConfig(back), db)).toBe(0);
    expect(await reembedBeforeStart(loadConfig({ ...back, JOBS_REEMBED_AUTO: 'true' }), db)).toBeGreaterThan(0);
    await expect(createKnowledge(loadConfig(back), db)).resolves.toBeTruthy();
  });
});

describe('expiry', () => {
  it('closes labour and supply posts whose time is up and forgets job runs older than the kept days', async () => {
    await seedStructuredData(db, './seeds');
    const { rows: [live] } = await db.pool.query(
      `SELECT (SELECT count(*) FROM labor_posts WHERE status = 'active')::int AS labor,
              (SELECT count(*) FROM supply_posts WHERE status = 'active')::int AS supply`,
    );
    expect(live.labor + live.supply).toBeGreaterThan(0);
    await db.pool.query(`INSERT INTO job_runs (job, instance, started_at, finished_at, outcome) VALUES
      ('old', 'x', now() - interval '40 days', now() - interval '40 days', 'succeeded'),
      ('new', 'x', now() - interval '1 day', now() - interval '1 day', 'succeeded')`);
    const counts = await expireOldRecords(db.pool, { now: new Date('2040-01-01T00:00:00Z'), keepRunsDays: 30 });
    expect(counts).toEqual({ laborClosed: live.labor, supplyClosed: live.supply, runsPruned: 2 });
    expect(await expireOldRecords(db.pool, { now: new Date('2040-01-01T00:00:00Z'), keepRunsDays: 30 })).toEqual({ laborClosed: 0, supplyClosed: 0, runsPruned: 0 });
  });
});
