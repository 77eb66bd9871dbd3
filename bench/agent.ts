/**
 * npm run bench:agent — turns through POST /api/v1/messages on the real server (dist/main.js under node, as
 * `npm start` runs it; offline mode, shipped seeds), in server mode (a fresh database on BENCH_DATABASE_URL,
 * TEST_DATABASE_URL or the server scripts/pg/start-test-server.sh starts) and on PGlite. For each:
 *   - GET /health closed loop: the floor, what the HTTP stack alone does on this machine in the same run;
 *   - saturation: BENCH_CONCURRENCY (default 100) clients, one turn after another, turns/s;
 *   - open loop: BENCH_RATE (default 100) turns/s offered on schedule, latency from each scheduled start.
 * The mix is what farmers send (bench/mix.ts): programme, prices, many distinct crop questions (some the
 * knowledge base does not cover), labour and supply posts, and a request for a person (an escalation, which
 * opens a ticket). BENCH_SECONDS (default 15) per phase; BENCH_MODES
 * (default "server,pglite"). Targets (issue 11): server ≥ 300 turns/s (stretch 500), open-loop p97.5 ≤ 50 ms;
 * PGlite ≥ 100 turns/s. The load runs in a worker thread of this process, beside the server on the same cores.
 * BENCH_CPU_PROF=<dir> writes the server's CPU profile there (`node bench/profile-top.mjs <file>` reads it).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LoadResult } from './load.ts';
import { mixSequence } from './mix.ts';
import { BENCH_TOKEN, buildDist, postgresUrl, scratchDatabase, startServer } from './server-process.ts';

// bench/mix.ts: ~600 distinct texts (the tune sets' knowledge and programme questions, prices, posts, escalations)
// in realistic shares; each phase takes its own stretch of one long seeded sequence.
const QUESTIONS = mixSequence(200_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 100);
const rate = Number(process.env.BENCH_RATE ?? 100);
const modes = (process.env.BENCH_MODES ?? 'server,pglite').split(',').map((m) => m.trim());

function loadInWorker(data: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // tsx does not reach worker threads by itself: register it inside the worker, then load the file.
    const file = new URL('./load-worker.ts', import.meta.url).href;
    const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file)}); })`;
    const worker = new Worker(code, { eval: true, workerData: { token: BENCH_TOKEN, questions: QUESTIONS, concurrency, ...data } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function bench(mode: string, databaseUrl?: string) {
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const server = await startServer({ databaseUrl, env: { DATABASE_POOL_SIZE: '20' }, nodeArgs: prof });
  try {
    const url = server.base;
    await loadInWorker({ url, kind: 'turns', seconds: 3, concurrency: 8, phonePrefix: '138', start: 0 }); // warm up: JIT, caches, pool
    const health = await loadInWorker({ url, kind: 'health', seconds: Math.min(5, seconds) });
    const saturation = await loadInWorker({ url, kind: 'turns', seconds, phonePrefix: '139', start: 50_000 });
    const openLoop = await loadInWorker({ url, kind: 'open', seconds, rate, phonePrefix: '137', start: 100_000 });
    const row = { mode, startSeconds: server.startSeconds, healthFloor: health, saturation, openLoop: { offeredPerSecond: rate, ...openLoop } };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await server.stop();
  }
}

await buildDist();
const results = [];
for (const mode of modes) {
  if (mode === 'server') {
    const pgServer = await postgresUrl();
    const db = await scratchDatabase(pgServer.url);
    try {
      results.push(await bench('server (PostgreSQL)', db.url));
    } finally {
      await db.drop();
      await pgServer.stop();
    }
  } else if (mode === 'pglite') {
    results.push(await bench('embedded (PGlite)'));
  } else {
    throw new Error(`BENCH_MODES: unknown mode "${mode}" (server, pglite)`);
  }
}
console.log(JSON.stringify({
  machine: `${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  seconds, concurrency, results,
}, null, 2));
