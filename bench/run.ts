/**
 * npm run bench — retrieval latency at 10k and 100k chunks, ingestion rate, and fresh start to healthy.
 * PGlite always; a PostgreSQL server too when BENCH_DATABASE_URL is set (in a throw-away schema).
 * Options (environment): BENCH_SIZES=10000,100000 (server)  BENCH_PGLITE_SIZES=10000 (PGlite, one WASM
 * connection: 100k takes most of an hour to build there)  BENCH_QUERIES=200  BENCH_SKIP_START=1  BENCH_SKIP_PGLITE=1
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type Database } from '../src/db/pool.ts';
import { migrate } from '../src/db/migrate.ts';
import { createKnowledge } from '../src/knowledge/index.ts';
import { createVectorIndex } from '../src/knowledge/embedding-column.ts';
import { rng, seedSentences, syntheticDocument } from './corpus.ts';

const sizes = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const pgliteSizes = (process.env.BENCH_PGLITE_SIZES ?? '10000').split(',').map(Number);
const queryCount = Number(process.env.BENCH_QUERIES ?? 200);
const QUESTIONS = [
  '小麦条锈病怎么防治', '金乡大蒜什么时候种', '益农信息社能办哪些事', '玉米螟用什么药', '大棚黄瓜霜霉病',
  '鱼塘浮头怎么办', '莲藕腐败病', '信息员要具备什么条件', '六有标准是什么', '生猪非洲猪瘟怎么预防',
  '俺家麦子叶子发黄咋整', '小额提现在哪里办', '草地贪夜蛾防治', '苹果树冬季修剪', '大豆播种密度',
];

function percentile(sorted: number[], p: number): number {
  return +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2);
}

async function benchEngine(name: string, open: () => Promise<Database>, sizes: number[]) {
  const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent' });
  const sentences = await seedSentences();
  const db = await open();
  const results: Record<string, unknown>[] = [];
  try {
    await migrate(db);
    const kb = await createKnowledge(config, db);
    const random = rng(42);
    let total = 0;
    let docNo = 0;
    for (const size of sizes.sort((a, b) => a - b)) {
      // Bulk load without the HNSW index, then build it once, as a real import would.
      await db.pool.query('DROP INDEX IF EXISTS kb_chunks_embedding_idx');
      const t0 = performance.now();
      const added = size - total;
      while (total < size) {
        const n = Math.min(10, size - total);
        const r = await kb.store.upsert({
          sourceKey: `bench:${docNo}`, title: `资料${docNo++}`, category: 'agronomy', format: 'markdown',
          content: syntheticDocument(sentences, n, random),
        });
        total += r.chunks;
      }
      const ingestSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      await createVectorIndex(db.pool);
      await db.pool.query('ANALYZE kb_chunks');
      const indexSeconds = (performance.now() - t1) / 1000;
      for (const q of QUESTIONS) await kb.retriever.search(q); // warm up
      const times: number[] = [];
      for (let i = 0; i < queryCount; i++) {
        const t = performance.now();
        await kb.retriever.search(QUESTIONS[i % QUESTIONS.length], { limit: 5 });
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const row = {
        engine: name, chunks: total,
        ingestChunksPerSecond: Math.round(added / ingestSeconds),
        hnswBuildSeconds: +indexSeconds.toFixed(1),
        searchMs: { p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: percentile(times, 1) },
      };
      console.log(JSON.stringify(row));
      results.push(row);
    }
  } finally {
    await db.close();
  }
  return results;
}

async function benchStart(): Promise<number> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'yinong-start-'));
  const port = 39000 + Math.floor(Math.random() * 1000);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (performance.now() - t0 > 120_000) throw new Error('not healthy within 120 s');
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (ok) return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const summary: Record<string, unknown> = { machine: `${os.cpus().length} cores, node ${process.version}` };
if (!process.env.BENCH_SKIP_START) {
  summary.freshStartToHealthySeconds = +(await benchStart()).toFixed(1);
  console.log(JSON.stringify({ freshStartToHealthySeconds: summary.freshStartToHealthySeconds }));
}
if (!process.env.BENCH_SKIP_PGLITE) summary.pglite = await benchEngine('pglite', () => openDatabase({ dataDir: 'memory://' }), pgliteSizes);
if (process.env.BENCH_DATABASE_URL) {
  const schema = `bench_${process.pid}`;
  summary.postgres = await benchEngine('postgres', async () => {
    const db = await openDatabase({ url: process.env.BENCH_DATABASE_URL, schema, poolSize: 4 });
    return { ...db, close: async () => { await db.pool.query(`DROP SCHEMA ${schema} CASCADE`); await db.close(); } };
  }, sizes);
}
console.log(JSON.stringify(summary, null, 2));
