/**
 * npm run bench:memory — resident memory of the real server after start, both ways it runs: embedded (PGlite in
 * a fresh DATA_DIR) and server mode (a fresh database on PostgreSQL: BENCH_DATABASE_URL, TEST_DATABASE_URL, or
 * the server scripts/pg/start-test-server.sh starts). The compiled build under node, as `npm start` runs it;
 * RSS read from /proc after /health answers and BENCH_SETTLE_SECONDS (default 5) more, so start-up garbage
 * has had its chance to go. Embedded is measured on a first start (initdb, seeds) and on a restart of the same DATA_DIR. Targets (issue 11): ≤ 400 MB embedded, ≤ 250 MB server mode.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildDist, postgresUrl, scratchDatabase, startServer } from './server-process.ts';

const settle = Number(process.env.BENCH_SETTLE_SECONDS ?? 5) * 1000;

async function measure(mode: string, databaseUrl?: string, dataDir?: string) {
  const server = await startServer({ databaseUrl, dataDir });
  try {
    await new Promise((r) => setTimeout(r, settle));
    const row = { mode, rssMb: await server.rssMb(), startSeconds: server.startSeconds };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await server.stop();
  }
}

await buildDist();
// Embedded twice on one DATA_DIR: the first start also runs initdb and ingests the seeds; the second is the
// everyday start of an installed server.
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'yinong-bench-memory-'));
let embedded, embeddedRestart;
try {
  embedded = await measure('embedded (PGlite), first start', undefined, dataDir);
  embeddedRestart = await measure('embedded (PGlite), restart', undefined, dataDir);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
const pgServer = await postgresUrl();
const db = await scratchDatabase(pgServer.url);
let server;
try {
  server = await measure('server (PostgreSQL)', db.url);
} finally {
  await db.drop();
  await pgServer.stop();
}
console.log(JSON.stringify({ machine: `${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`, embedded, embeddedRestart, server }, null, 2));
