/**
 * npx tsx bench/webchat.ts — the web chat under 2,000 concurrent WebSocket sessions, on loopback only.
 *
 * Starts the real server (src/main.ts) in a child process, so its RSS is the server's alone, then:
 *   1. first-load transfer of the page (gzip and brotli),
 *   2. server RSS before and with BENCH_SESSIONS idle sessions (hello + welcome, then nothing),
 *   3. every session asks a price or programme question every BENCH_INTERVAL seconds (random phase, one
 *      question outstanding per session) for BENCH_SECONDS: p50/p95/p99 from send to the reply frame.
 * Embedded PGlite by default; BENCH_DATABASE_URL=postgres://… uses a throw-away database on that server
 * (created and dropped here). Everything is bounded: the whole run gives up after BENCH_DEADLINE seconds.
 *
 * Options: BENCH_SESSIONS=2000 BENCH_INTERVAL=5 BENCH_SECONDS=30 BENCH_IDLE_SECONDS=10 BENCH_DEADLINE=600
 *          BENCH_POOL_SIZE=20 BENCH_CPU_PROF=<dir>
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { freePort } from './server-process.ts';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 2000);
const INTERVAL = Number(process.env.BENCH_INTERVAL ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const DEADLINE = Number(process.env.BENCH_DEADLINE ?? 600);
const REPLY_TIMEOUT_MS = 30_000;
const QUESTIONS: [string, 'price' | 'programme'][] = [
  ['大蒜多少钱一斤', 'price'], ['玉米价格', 'price'], ['生猪价格', 'price'], ['小麦今天啥价', 'price'],
  ['邹城市要建多少个益农信息社', 'programme'], ['金乡县要建多少个益农信息社', 'programme'],
  ['信息进村入户工程啥时候完成', 'programme'], ['嘉祥县益农信息社建设目标', 'programme'],
];

// 2,000 client sockets here and 2,000 in the server: raise the soft limit to the hard one, once.
const fdsNeeded = SESSIONS + 512;
const soft = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
if (soft < fdsNeeded && !process.env.BENCH_ULIMIT_RAISED) {
  const hard = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  console.error(`raising the open-files limit from ${soft} to ${hard}`);
  const child = spawn('sh', ['-c', `ulimit -n ${hard} && exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit', env: { ...process.env, BENCH_ULIMIT_RAISED: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  const giveUp = setTimeout(() => {
    console.error(`benchmark exceeded BENCH_DEADLINE=${DEADLINE}s`);
    process.exit(2);
  }, DEADLINE * 1000);
  giveUp.unref();
  main().then(() => process.exit(0), (err) => {
    console.error(err);
    process.exit(1);
  });
}


const rssMb = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? +(Number(m[1]) / 1024).toFixed(1) : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function percentiles(values: number[]) {
  const v = [...values].sort((a, b) => a - b);
  const at = (p: number) => (v.length ? +v[Math.min(v.length - 1, Math.floor(p * v.length))].toFixed(1) : null);
  return { n: v.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: v.length ? +v[v.length - 1].toFixed(1) : null };
}

/** A database for this run only: a PGlite folder, or a fresh database on the given server. */
async function prepareDatabase(): Promise<{ env: Record<string, string>; engine: string; drop(): Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'yinong-bench-webchat-'));
    return { env: { DATABASE_URL: '', DATA_DIR: dir }, engine: 'pglite', drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const name = `yinong_bench_webchat_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: target.toString(), DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE ?? '20' },
    engine: 'postgres',
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function startServer(dbEnv: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  // BENCH_CPU_PROF=dir writes the server's CPU profile there (open it in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env, ...dbEnv, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production',
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      // One address plays 2,000 phones here: lift the limits that would otherwise (rightly) refuse it.
      WEBCHAT_RATE_PER_IP: '1000000', WEBCHAT_RATE_PER_CONNECTION: '600',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (Date.now() - t0 > 180_000) throw new Error('server not healthy within 180 s');
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) return { child, base };
    await sleep(200);
  }
}

async function pageWeight(base: string) {
  const out: Record<string, number> = {};
  for (const encoding of ['gzip', 'br', 'identity']) {
    let total = 0;
    for (const file of ['/', '/chat.js', '/chat.css']) {
      // node's fetch decodes bodies: ask for the raw bytes through http instead.
      total += await new Promise<number>((resolve, reject) => {
        import('node:http').then(({ get }) =>
          get(`${base}${file}`, { headers: { 'accept-encoding': encoding } }, (res) => {
            let n = 0;
            res.on('data', (c: Buffer) => (n += c.length));
            res.on('end', () => resolve(n));
          }).on('error', reject),
        );
      });
    }
    out[encoding] = total;
  }
  return out;
}

interface Session {
  ws: WebSocket;
  pending?: { at: number; kind: string; clientId: string };
}

async function openSessions(wsUrl: string, n: number): Promise<Session[]> {
  const sessions: Session[] = [];
  const batch = 200;
  for (let i = 0; i < n; i += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, () =>
        new Promise<Session>((resolve, reject) => {
          const ws = new WebSocket(wsUrl);
          ws.once('error', reject);
          ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', deviceId: `bench-${randomBytes(12).toString('hex')}` })));
          ws.once('message', (data) => {
            const f = JSON.parse(data.toString());
            if (f.type === 'welcome') resolve({ ws });
            else reject(new Error(`expected welcome, got ${f.type}`));
          });
        }),
      ),
    );
    sessions.push(...opened);
  }
  return sessions;
}

async function load(sessions: Session[]) {
  const latency: Record<string, number[]> = { price: [], programme: [] };
  const wrongIntent: Record<string, number> = {};
  let sent = 0;
  let skipped = 0;
  let timeouts = 0;
  let errors = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  for (const s of sessions) {
    s.ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'error') errors++;
      if (f.type !== 'message' || f.author !== 'bot' || !s.pending) return;
      const p = s.pending;
      s.pending = undefined;
      latency[p.kind].push(performance.now() - p.at);
      if (f.intent !== p.kind) wrongIntent[`${p.kind}→${f.intent}`] = (wrongIntent[`${p.kind}→${f.intent}`] ?? 0) + 1;
    });
  }
  let q = 0;
  const timers = sessions.map((s) => {
    const tick = () => {
      if (performance.now() > end) return;
      if (s.pending) {
        if (performance.now() - s.pending.at > REPLY_TIMEOUT_MS) {
          timeouts++;
          s.pending = undefined;
        } else {
          skipped++; // still waiting for the last answer: a farmer would not ask again either
          return;
        }
      }
      const [text, kind] = QUESTIONS[q++ % QUESTIONS.length];
      const clientId = `b${sent++}`;
      s.pending = { at: performance.now(), kind, clientId };
      s.ws.send(JSON.stringify({ type: 'message', clientId, text }));
    };
    const first = setTimeout(() => {
      tick();
      timers.push(setInterval(tick, INTERVAL * 1000) as unknown as NodeJS.Timeout);
    }, Math.random() * INTERVAL * 1000);
    return first;
  });
  await sleep(SECONDS * 1000);
  for (const t of timers) clearInterval(t);
  // Let the last answers in (bounded).
  const drainUntil = performance.now() + REPLY_TIMEOUT_MS;
  while (sessions.some((s) => s.pending) && performance.now() < drainUntil) await sleep(100);
  const unanswered = sessions.filter((s) => s.pending).length;
  const answered = latency.price.length + latency.programme.length;
  return {
    sent, answered, unanswered, timeouts, skippedWhileWaiting: skipped, errorFrames: errors,
    repliesPerSecond: +(answered / SECONDS).toFixed(1),
    ms: { all: percentiles([...latency.price, ...latency.programme]), price: percentiles(latency.price), programme: percentiles(latency.programme) },
    ...(Object.keys(wrongIntent).length ? { wrongIntent } : {}),
  };
}

async function main() {
  const db = await prepareDatabase();
  let server: { child: ChildProcess; base: string } | undefined;
  try {
    const t0 = Date.now();
    server = await startServer(db.env);
    const pid = server.child.pid!;
    const startSeconds = +((Date.now() - t0) / 1000).toFixed(1);
    const firstLoadBytes = await pageWeight(server.base);
    const wsUrl = `${server.base.replace('http', 'ws')}/ws/chat`;
    // One session asks once, so the first-use costs (lexicons, caches, JIT) are in the baseline.
    const [warm] = await openSessions(wsUrl, 1);
    warm.ws.send(JSON.stringify({ type: 'message', clientId: 'warm', text: '大蒜多少钱一斤' }));
    await sleep(1000);
    warm.ws.close();
    await sleep(2000);
    const rssBefore = rssMb(pid);

    const c0 = performance.now();
    const sessions = await openSessions(wsUrl, SESSIONS);
    const connectSeconds = +((performance.now() - c0) / 1000).toFixed(1);
    await sleep(IDLE_SECONDS * 1000);
    const rssIdle = rssMb(pid);

    let rssPeak = rssIdle;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 500);
    const result = await load(sessions);
    clearInterval(sampler);
    const open = sessions.filter((s) => s.ws.readyState === WebSocket.OPEN).length;
    for (const s of sessions) s.ws.terminate();

    console.log(JSON.stringify({
      engine: db.engine,
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}`,
      serverStartSeconds: startSeconds,
      firstLoadBytes,
      sessions: SESSIONS,
      connectSeconds,
      rssMb: { beforeSessions: rssBefore, withIdleSessions: rssIdle, perIdleSessionKb: +(((rssIdle - rssBefore) * 1024) / SESSIONS).toFixed(1), peakUnderLoad: rssPeak },
      load: { intervalSeconds: INTERVAL, seconds: SECONDS, ...result, sessionsStillOpen: open },
    }, null, 2));
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((r) => (server!.child.exitCode !== null ? r(null) : server!.child.once('exit', r)));
    }
    await db.drop().catch((err) => console.error('could not drop the bench database:', err));
  }
}
