import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/pool.ts';
import { migrate } from '../../src/db/migrate.ts';

const run = promisify(execFile);

/**
 * A real PostgreSQL server for the several-instances tests: TEST_DATABASE_URL, or the project's throw-away
 * server started by scripts/pg/start-test-server.sh. These tests are never skipped: without a server they
 * fail, saying why.
 */
export async function serverUrl(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  let out: { stdout: string; stderr: string };
  try {
    out = await run('bash', ['scripts/pg/start-test-server.sh'], { timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(
      'tests/instances need a real PostgreSQL 15 + pgvector server: set TEST_DATABASE_URL, or let ' +
        'scripts/pg/start-test-server.sh start one (it installs packages as root on first use). It failed:\n' +
        (e.stderr?.split('\n').slice(-15).join('\n') ?? e.message),
      { cause: err },
    );
  }
  const url = /^export TEST_DATABASE_URL=(\S+)$/m.exec(out.stdout)?.[1];
  if (!url) throw new Error(`scripts/pg/start-test-server.sh printed no TEST_DATABASE_URL:\n${out.stdout}\n${out.stderr}`);
  return url;
}

/** A migrated schema of its own on the server, opened by as many pools ("instances") as a test wants. */
export async function sharedSchema(url: string): Promise<{ schema: string; open(): Promise<Database>; drop(): Promise<void> }> {
  const schema = `inst_${randomBytes(5).toString('hex')}`;
  const first = await openDatabase({ url, schema, poolSize: 5 });
  await migrate(first);
  const opened: Database[] = [first];
  let handedFirst = false;
  return {
    schema,
    async open() {
      if (!handedFirst) {
        handedFirst = true;
        return first;
      }
      const db = await openDatabase({ url, schema, poolSize: 5 });
      opened.push(db);
      return db;
    },
    async drop() {
      await first.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      for (const db of opened) await db.close().catch(() => {});
    },
  };
}

/** A database of its own on the server (main.ts works in the public schema): dropped again by `drop`. */
export async function freshDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `yinong_inst_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export interface Instance {
  id: string;
  base: string;
  wsUrl: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/** `node --import tsx src/main.ts` as a real server process; resolves once /ready answers 200. */
export async function startInstance(id: string, env: Record<string, string>, timeoutMs = 180_000): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', INSTANCE_ID: id, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (b: Buffer) => {
    log = (log + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  const instance: Instance = {
    id, base, wsUrl: `ws://127.0.0.1:${port}/ws/chat`, child,
    output: () => log,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance ${id} exited with ${child.exitCode} before it was ready:\n${log}`);
    const ok = await fetch(`${base}/ready`).then((r) => r.ok, () => false);
    if (ok) return instance;
    if (Date.now() > deadline) {
      await instance.stop();
      throw new Error(`instance ${id} not ready within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
