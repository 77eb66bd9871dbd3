/**
 * The real server as a child process for the benches: compiled (dist/main.js under node, as `npm start` runs
 * it) on a fresh temporary DATA_DIR (embedded PGlite) or a fresh database on a PostgreSQL server. Everything it
 * starts it also stops: the process, the temporary folder, the database.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
export const BENCH_TOKEN = 'bench-admin-token-0123456789';

export async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** dist/ as `npm start` builds it (only when stale). */
export async function buildDist(): Promise<void> {
  await promisify(execFile)(process.execPath, [path.join(root, 'scripts/build.mjs'), '--if-stale'], { cwd: root });
}

/** A PostgreSQL server for a bench: BENCH_DATABASE_URL, TEST_DATABASE_URL, or the one the test script starts. */
export async function postgresUrl(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (given) return { url: given, stop: async () => {} };
  const run = promisify(execFile);
  const { stdout } = await run('bash', [path.join(root, 'scripts/pg/start-test-server.sh')], { timeout: 900_000 });
  const url = /^export TEST_DATABASE_URL=(\S+)$/m.exec(stdout)?.[1];
  if (!url) throw new Error('set BENCH_DATABASE_URL, or run as root so that scripts/pg/start-test-server.sh can start a server');
  return { url, stop: async () => void (await run('bash', [path.join(root, 'scripts/pg/stop-test-server.sh')])) };
}

/** A new database on the server of `adminUrl`, dropped by the returned function. */
export async function scratchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `yinong_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** Seconds from spawn to /health answering. */
  startSeconds: number;
  rssMb: () => Promise<number>;
  stop: () => Promise<void>;
}

/**
 * Starts dist/main.js (server mode when databaseUrl is given, else PGlite in a temporary DATA_DIR); `nodeArgs`
 * go to node before the script (`--cpu-prof`, which NODE_OPTIONS refuses).
 */
export async function startServer(
  opts: { databaseUrl?: string; env?: Record<string, string>; dataDir?: string; nodeArgs?: string[] } = {},
): Promise<ServerProcess> {
  // A given DATA_DIR is the caller's to remove (a restart on the same data); a temporary one is removed here.
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'yinong-bench-')));
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), path.join(root, 'dist/main.js')], {
    cwd: root,
    env: {
      ...process.env, DATABASE_URL: opts.databaseUrl ?? '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1',
      ADMIN_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 180_000;
  while (!(await fetch(`${base}/health`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /health (exit code ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const startSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  const rssMb = async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    return Math.round(Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024);
  };
  return { base, child, startSeconds, rssMb, stop };
}
