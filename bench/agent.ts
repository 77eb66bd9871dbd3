/**
 * npm run bench:agent — 100 concurrent sessions through POST /api/v1/messages (offline mode, shipped seeds),
 * with the same run's GET /health throughput as the floor. PGlite by default; BENCH_DATABASE_URL for a server.
 * BENCH_SECONDS (default 15), BENCH_CONCURRENCY (default 100).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { createServices } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/pool.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedKnowledgeBase } from '../src/knowledge/seed.ts';
import { seedStructuredData } from '../src/data/index.ts';
import { Worker } from 'node:worker_threads';
import type { LoadResult } from './load.ts';

function loadInWorker(data: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // tsx does not reach worker threads by itself: register it inside the worker, then load the file.
    const file = new URL('./load-worker.ts', import.meta.url).href;
    const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file)}); })`;
    const worker = new Worker(code, { eval: true, workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const QUESTIONS = [
  '金乡大蒜今天啥价', '小麦条锈病咋防治', '邹城市一共要建多少个益农信息社', '玉米螟用啥药', '谁收玉米',
  '金乡有剥蒜的活吗', '大棚黄瓜霜霉病咋治', '六有标准是啥', '大蒜多少钱一斤', '信息员要干啥',
];
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 100);
const token = 'bench-admin-token-0123456789';

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'yinong-bench-'));
const schema = `bench_agent_${process.pid}`;
const url = process.env.BENCH_DATABASE_URL;
const config = loadConfig({ ...process.env, DATABASE_URL: url ?? '', ADMIN_TOKEN: token, LOG_LEVEL: 'silent' });
const db = await openDatabase({ url, dataDir: path.join(dataDir, 'db'), schema: url ? schema : undefined, poolSize: 20 });
try {
  await migrate(db);
  const services = await createServices(config, db);
  await seedKnowledgeBase(db, services.knowledge, config.SEEDS_DIR);
  await seedStructuredData(db, config.SEEDS_DIR);
  const app = await buildApp(services, { logger: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const common = { url: address, concurrency, token, questions: QUESTIONS };
  const health = await loadInWorker({ ...common, seconds: Math.min(5, seconds), kind: 'health' });
  const turns = await loadInWorker({ ...common, seconds, kind: 'turns' });
  console.log(JSON.stringify({ engine: db.engine, concurrency, machine: `${os.cpus().length} cores, node ${process.version}`, turns, healthFloor: health }, null, 2));
  await app.close();
} finally {
  if (url) await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
}
