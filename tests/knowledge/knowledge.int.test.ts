import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/pool.ts';
import { createKnowledge, type Knowledge } from '../../src/knowledge/index.ts';
import { ingestPaths } from '../../src/knowledge/ingest.ts';
import { seedKnowledgeBase } from '../../src/knowledge/seed.ts';
import { EmbedderMismatchError, reembedAll, storedEmbedder } from '../../src/knowledge/embedding-column.ts';
import { createEmbedder } from '../../src/knowledge/embeddings/index.ts';
import { KnowledgeBaseRetriever } from '../../src/knowledge/langchain-retriever.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { testConfig } from '../helpers/app.ts';

let db: Database;
let kb: Knowledge;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  kb = await createKnowledge(testConfig(), db);
  dir = await mkdtemp(path.join(os.tmpdir(), 'yinong-kb-'));
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ingestPaths', () => {
  it('ingests markdown, Q&A and CSV; skips a broken file with its reason; prunes removed pairs', async () => {
    await mkdir(path.join(dir, 'docs'));
    await writeFile(path.join(dir, 'docs/wheat.md'), '---\ntitle: 小麦播期\ncategory: agronomy\n---\n## 播期\n济宁小麦10月上中旬播种。');
    await writeFile(path.join(dir, 'docs/bad.md'), '---\ntitle: x\ncategory: nonsense\n---\n正文');
    await writeFile(
      path.join(dir, 'docs/faq.jsonl'),
      '{"question":"信息员是干啥的","answer":"信息员在益农信息社为村民提供信息服务。","category":"training"}\n{"question":"旧问题","answer":"旧答案。"}\n',
    );
    await writeFile(path.join(dir, 'docs/towns.csv'), '镇,县\n羊山镇,金乡县\n');
    const first = await ingestPaths(kb.store, [path.join(dir, 'docs')], { root: dir });
    expect(first).toMatchObject({ files: 4, created: 4, updated: 0, unchanged: 0 });
    expect(first.errors).toHaveLength(1);
    expect(first.errors[0].file).toMatch(/bad\.md$/);
    expect(first.errors[0].message).toMatch(/分类/);

    await writeFile(path.join(dir, 'docs/faq.jsonl'), '{"question":"信息员是干啥的","answer":"信息员在益农信息社为村民提供信息服务。","category":"training"}\n');
    const second = await ingestPaths(kb.store, [path.join(dir, 'docs')], { root: dir });
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 3, removed: 1 });
    const stats = await kb.store.stats();
    expect(stats.documents).toBe(3);
  });

  it('says which path does not exist', async () => {
    await expect(ingestPaths(kb.store, [path.join(dir, 'missing')])).rejects.toThrow(/找不到/);
  });
});

describe('seedKnowledgeBase', () => {
  it('ingests the shipped seeds once, then skips while they are unchanged', async () => {
    const first = await seedKnowledgeBase(db, kb, 'seeds');
    expect(first).not.toBe('unchanged');
    if (first !== 'unchanged') {
      expect(first.created).toBeGreaterThan(20);
      expect(first.errors).toEqual([]);
    }
    expect(await seedKnowledgeBase(db, kb, 'seeds')).toBe('unchanged');
    // Embedding ~250 seed documents takes seconds alone and minutes on a loaded 2-core machine.
  }, 300_000);

  it('answers a programme question from the shipped knowledge', async () => {
    const [hit] = await kb.retriever.search('六有标准是什么', { limit: 1 });
    expect(hit.content + hit.title + hit.headingPath.join('')).toMatch(/六有/);
    expect(hit.score).toBeGreaterThan(0.4);
  });
});

describe('LangChain retriever', () => {
  it('returns documents with citation metadata', async () => {
    const retriever = new KnowledgeBaseRetriever({ retriever: kb.retriever, search: { limit: 2 } });
    const docs = await retriever.invoke('小麦什么时候播种');
    expect(docs.length).toBeGreaterThan(0);
    expect(docs[0].metadata).toMatchObject({ title: expect.any(String), documentId: expect.any(String) });
  });
});

describe('embedder changes', () => {
  it('refuses to mix vectors from another embedder and re-embeds on request', async () => {
    const config = testConfig({ EMBEDDINGS_DIMENSIONS: '256' });
    await expect(createKnowledge(config, db)).rejects.toThrow(EmbedderMismatchError);
    await expect(createKnowledge(config, db)).rejects.toThrow(/npm run kb -- reembed/);

    const embedder = createEmbedder(config, kb.tokenizer);
    const n = await reembedAll(db, embedder);
    expect(n).toBeGreaterThan(0);
    expect(await storedEmbedder(db)).toEqual({ id: 'offline-hash-v1:256', dimensions: 256 });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM kb_chunks WHERE vector_dims(embedding) <> 256 OR embedding IS NULL');
    expect(rows[0].n).toBe(0);
    const kb256 = await createKnowledge(config, db);
    const [hit] = await kb256.retriever.search('小麦播期', { limit: 1 });
    expect(hit.title).toBe('小麦播期');
  });
});
