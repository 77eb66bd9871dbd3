/**
 * npm run bench:turn — CPU time per turn by turn kind, in-process: the real app (composition root, shipped
 * seeds) answering POST /api/v1/messages through `inject`, on PGlite (in memory) and, when BENCH_DATABASE_URL
 * or TEST_DATABASE_URL is set, on PostgreSQL. Wall-clock throughput on a shared machine is noise; CPU-ms per
 * turn (process.cpuUsage, user + system, of this process) is what the server pays per turn whatever else runs.
 * On PGlite that includes the database (it runs inside the process); on PostgreSQL it is the app's share only.
 * BENCH_TURNS (default 300) turns per kind, one after another over 50 farmers; BENCH_MODES (default
 * "pglite,server"); BENCH_PROFILE=1 wraps the measured phase in the inspector's CPU profiler and writes
 * bench-turn-<mode>.cpuprofile (open in Chrome DevTools, or `node bench/profile-top.mjs <file>`).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import { buildApp } from '../src/app.ts';
import { createServices } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { seedStructuredData } from '../src/data/index.ts';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase, type Database } from '../src/db/pool.ts';
import { seedKnowledgeBase } from '../src/knowledge/seed.ts';
import { mixTexts, SHARES, type Kind } from './mix.ts';

const TOKEN = 'bench-admin-token-0123456789';
/** The mix of bench:agent, by kind (bench/mix.ts: many distinct texts a kind; the escalation opens a ticket). */
const KINDS = mixTexts();
const turns = Number(process.env.BENCH_TURNS ?? 300);
const modes = (process.env.BENCH_MODES ?? 'pglite,server').split(',').map((m) => m.trim());
const profile = process.env.BENCH_PROFILE === '1';
const sqlStats = process.env.BENCH_SQL === '1';

/** BENCH_SQL=1: every statement through the pool timed (wall ms, from call to answer) and counted. */
function countStatements(db: Database, kindNow: () => string): Map<string, { n: number; ms: number }> {
  const stats = new Map<string, { n: number; ms: number }>();
  const wrap = (target: { query: (...a: any[]) => any }) => {
    const query = target.query.bind(target);
    target.query = (...args: any[]) => {
      const text = typeof args[0] === 'string' ? args[0] : String(args[0]?.text ?? args[0]?.name ?? '?');
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
      const t = performance.now();
      const kind = kindNow();
      const done = () => {
        for (const k of [`${kind}\u0000${key}`, `${kind}\u0000`]) {
          const s = stats.get(k) ?? { n: 0, ms: 0 };
          s.n++;
          s.ms += performance.now() - t;
          stats.set(k, s);
        }
      };
      const r = query(...args);
      if (r && typeof r.then === 'function') r.then(done, done);
      return r;
    };
  };
  wrap(db.pool as any);
  const connect = db.pool.connect.bind(db.pool);
  (db.pool as any).connect = async (...a: any[]) => {
    if (a.length) return (connect as any)(...a); // pool.query's own checkout (callback style): counted above
    const client = await (connect as any)();
    if (!client.__counted) {
      wrap(client);
      client.__counted = true;
    }
    return client;
  };
  return stats;
}

async function open(mode: string): Promise<Database | undefined> {
  if (mode === 'pglite') return openDatabase({ dataDir: 'memory://' });
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) return undefined;
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ url, schema, poolSize: 20 });
  return {
    ...db,
    async close() {
      await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await db.close();
    },
  };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const TICK_MS = 10; // /proc's clock ticks (USER_HZ 100 on Linux)

/** PostgreSQL's side on the same machine: CPU-ms of this app's backends (by pid, from /proc), 0 on PGlite. */
async function backendCpuMs(db: Database): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (db.engine !== 'postgres') return out;
  const { rows } = await db.pool.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'yinong'`);
  for (const { pid } of rows) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.length > 13) out.set(pid, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
  }
  return out;
}
const spentBy = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

async function bench(mode: string) {
  const db = await open(mode);
  if (!db) {
    console.log(JSON.stringify({ mode, skipped: 'set BENCH_DATABASE_URL or TEST_DATABASE_URL' }));
    return undefined;
  }
  try {
    await migrate(db);
    const config = loadConfig({ ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'warn', NODE_ENV: 'production' });
    const services = await createServices(config, db, { clock: () => new Date('2026-11-28T04:00:00Z') });
    await seedKnowledgeBase(db, services.knowledge, config.SEEDS_DIR);
    await seedStructuredData(db, config.SEEDS_DIR);
    const app = await buildApp(services);
    await app.ready();
    let n = 0;
    const say = async (text: string, farmer: number) => {
      const res = await app.inject({
        method: 'POST', url: '/api/v1/messages', headers: { authorization: `Bearer ${TOKEN}` },
        payload: { text, from: { phone: `139${String(farmer).padStart(8, '0')}` } },
      });
      if (res.statusCode !== 200) throw new Error(`turn "${text}": HTTP ${res.statusCode} ${res.body}`);
      n++;
    };
    // Warm up: JIT, caches, every kind once per farmer slot.
    for (const [i, texts] of Object.values(KINDS).entries()) for (let f = 0; f < 10; f++) await say(texts[texts.length - 1 - f] ?? texts[0], 90 + f + i);
    const session = profile ? new inspector.Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    }
    let current = '';
    const stats = sqlStats ? countStatements(db, () => current) : undefined;
    const byKind: Record<string, number> = {};
    let allCpu = 0;
    let allTurns = 0;
    const dbByKind: Record<string, number> = {};
    for (const [kind, texts] of Object.entries(KINDS)) {
      current = kind;
      const before = process.cpuUsage();
      const backends = await backendCpuMs(db);
      for (let i = 0; i < turns; i++) await say(texts[i % texts.length], i % 50);
      const spent = cpuMs(process.cpuUsage(before));
      byKind[kind] = +(spent / turns).toFixed(2);
      if (db.engine === 'postgres') dbByKind[kind] = +(spentBy(backends, await backendCpuMs(db)) / turns).toFixed(2);
      allCpu += (spent / turns) * SHARES[kind as Kind]; // weighted by bench:agent's shares
      allTurns += SHARES[kind as Kind];
    }
    if (session) {
      const { profile: p } = await session.post('Profiler.stop');
      await writeFile(`bench-turn-${mode}.cpuprofile`, JSON.stringify(p));
      session.disconnect();
    }
    if (stats) {
      for (const kind of Object.keys(KINDS)) {
        const mine = [...stats].filter(([k]) => k.startsWith(`${kind}\u0000`) && k !== `${kind}\u0000`).sort((a, b) => b[1].ms - a[1].ms);
        console.log(`-- ${kind}: ${((stats.get(`${kind}\u0000`)?.n ?? 0) / turns).toFixed(2)} statements/turn`);
        for (const [k, s] of mine.slice(0, 14)) {
          console.log(`${(s.ms / turns).toFixed(2).padStart(6)} ms/turn ${(s.n / turns).toFixed(2).padStart(5)}×/turn  ${k.slice(kind.length + 1)}`);
        }
      }
    }
    const row = { mode, turnsPerKind: turns, cpuMsPerTurn: byKind, mixCpuMsPerTurn: +(allCpu / allTurns).toFixed(2),
      ...(db.engine === 'postgres' ? { postgresCpuMsPerTurn: dbByKind } : {}), served: n };
    console.log(JSON.stringify(row));
    await app.close();
    return row;
  } finally {
    await db.close();
  }
}

const results = [];
for (const mode of modes) results.push(await bench(mode === 'server' ? 'server' : mode));
console.log(JSON.stringify({
  machine: `${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  results: results.filter(Boolean),
}, null, 2));
process.exit(0);
