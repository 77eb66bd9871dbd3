import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { PGliteConnection } from './pglite-connection.ts';

/** The small surface every module needs: parameterised queries (pg.Pool and pg.PoolClient both satisfy it). */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Database {
  pool: pg.Pool;
  engine: 'pglite' | 'postgres';
  /** Schema this instance works in (tables live here; `vector` lives in public). */
  schema: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… for a server; undefined for the embedded PGlite. */
  url?: string;
  /** PGlite data directory, or 'memory://' for a throw-away in-process database. */
  dataDir?: string;
  poolSize?: number;
  /** Work inside this schema (tests use one schema each on a shared server). */
  schema?: string;
  /**
   * Prepare each parameterised statement once per connection (default true). Off for a pooler that cannot
   * keep prepared statements (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const schema = opts.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`schema "${schema}" must be lower-case letters, digits and underscores`);
  }
  const Client = opts.preparedStatements === false ? pg.Client : PreparingClient;
  if (opts.url) return openServer(opts.url, schema, opts.poolSize ?? 10, Client);
  return openEmbedded(opts.dataDir ?? './data', schema, Client);
}

/** Distinct statement texts given a name, process-wide (a name always stands for the same text). */
const MAX_PREPARED = 1000;
const statementNames = new Map<string, string>();

/**
 * The name a parameterised statement is prepared under, or undefined to send it unnamed (parsed and planned
 * each time, as before). A vector search stays unnamed: a cached generic plan may choose differently between
 * the HNSW index (approximate) and an exact scan, and so change which passages an answer is built from.
 * Texts past MAX_PREPARED (SQL built with varying text) stay unnamed too, so a session's statements are bounded.
 */
export function statementName(text: string): string | undefined {
  const known = statementNames.get(text);
  if (known) return known;
  if (statementNames.size >= MAX_PREPARED || text.includes('<=>')) return undefined;
  const name = `yinong_${statementNames.size + 1}`;
  statementNames.set(text, name);
  return name;
}

/**
 * A client that sends each parameterised statement as a named one: parsed once per connection, then only
 * bound and executed (PostgreSQL may keep its plan), which about halves what a short statement costs the
 * app and the server, and PGlite too. Prepared statements belong to one session, so instances and pools
 * never see each other's; node-postgres parses a name again on a new connection. Statements without values
 * (BEGIN, DDL) go as before.
 */
class PreparingClient extends pg.Client {
  // node-postgres's overloads (config object, text with values, callbacks) pass through unchanged.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values)) {
      const name = statementName(config);
      if (name) return super.query({ name, text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}

async function openServer(url: string, schema: string, max: number, Client: typeof pg.Client): Promise<Database> {
  const pool = new pg.Pool({
    Client,
    connectionString: url,
    max,
    // random_page_cost 1.1: the server is on SSD. At the default 4 the planner reads every chunk's tsvector
    // (a seq scan, ~3 µs a row) rather than the GIN index, several times slower from 10k chunks up.
    options: `-c search_path=${schema},public -c random_page_cost=1.1`,
    application_name: 'yinong',
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    if (schema !== 'public') await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`无法连接数据库 DATABASE_URL (${redactUrl(url)}): ${(err as Error).message}`, { cause: err });
  }
  return { pool, engine: 'postgres', schema, close: () => pool.end() };
}

async function openEmbedded(dataDir: string, schema: string, Client: typeof pg.Client): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) await mkdir(path.resolve(dataDir), { recursive: true });
  const pglite = await PGlite.create(inMemory ? dataDir : path.resolve(dataDir, 'pglite'), {
    extensions: { vector },
    // PostgreSQL's default 128 MB of shared buffers is touched memory inside PGlite's WASM heap (about 130 MB
    // of resident memory); the knowledge base and tables fit in far less, and the OS page cache is below it.
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'],
  });
  // PGlite is one connection: the pool hands it out one query at a time, each statement in one call.
  const pool = new pg.Pool({
    ...(createPgConfig(pglite) as unknown as pg.PoolConfig),
    connection: new PGliteConnection(pglite),
    Client,
  } as pg.PoolConfig);
  pool.on('error', () => {});
  // One session for the life of the process: settings made here hold for every query (see openServer).
  await pool.query('SET random_page_cost = 1.1');
  if (schema !== 'public') {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await pool.query(`SET search_path TO ${schema}, public`);
  }
  return {
    pool,
    engine: 'pglite',
    schema,
    async close() {
      await pool.end();
      await pglite.close();
    },
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

type AfterCommit = () => unknown;

/** Callbacks waiting for the COMMIT of the transaction a client is in (only while `withTransaction` runs). */
const pending = new WeakMap<object, AfterCommit[]>();

let reportAfterCommitError: (err: unknown) => void = (err) => {
  console.error('an after-commit callback failed', err);
};

/** Where a failing after-commit callback is reported (the composition root passes the process logger). */
export function onAfterCommitError(report: (err: unknown) => void): (err: unknown) => void {
  const previous = reportAfterCommitError;
  reportAfterCommitError = report;
  return previous;
}

/**
 * Run `fn` once what was written through `q` is visible to every other connection: after the COMMIT when `q`
 * is a client inside `withTransaction` (never, if it rolls back), at once otherwise (a pool's statement
 * commits by itself). Publishing an event or waking a worker from here needs no guess at commit timing.
 * A failing callback is reported, never thrown into the writer: the data is committed already.
 */
export function afterCommit(q: Queryable, fn: AfterCommit): void {
  const waiting = pending.get(q);
  if (waiting) waiting.push(fn);
  else runSafely(fn);
}

function runSafely(fn: AfterCommit): void {
  try {
    const result = fn();
    if (result instanceof Promise) result.catch(reportAfterCommitError);
  } catch (err) {
    reportAfterCommitError(err);
  }
}

/** Run `fn` in a transaction: rollback in catch, release in finally, `afterCommit` callbacks after COMMIT. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const callbacks: AfterCommit[] = [];
  pending.set(client, callbacks);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    pending.delete(client);
    for (const cb of callbacks) runSafely(cb);
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    pending.delete(client);
    client.release();
  }
}
