/**
 * npx tsx bench/instances.ts — turns/s through POST /api/v1/messages with one server process, then two, on one
 * PostgreSQL (a fresh database on BENCH_DATABASE_URL's server, or the test server scripts/pg/start-test-server.sh
 * starts). The same total load either way (BENCH_CONCURRENCY clients, split evenly over the instances), each
 * load generator in its own worker thread. CPU seconds used by each node process and by the PostgreSQL
 * server (all its processes, so other users of a shared server count too) during each phase are reported
 * beside the rates, with the load average: they say where the time went.
 * BENCH_SECONDS (default 20), BENCH_CONCURRENCY (default 64).
 * Target (issue 7): two instances ≥ 1.6× the turns/s of one (on this 2-core machine, report what you get and why).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { LoadResult } from './load.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
const token = 'bench-admin-token-0123456789';
const QUESTIONS = [
  '金乡大蒜今天啥价', '小麦条锈病咋防治', '邹城市一共要建多少个益农信息社', '玉米螟用啥药', '谁收玉米',
  '金乡有剥蒜的活吗', '大棚黄瓜霜霉病咋治', '六有标准是啥', '大蒜多少钱一斤', '信息员要干啥',
];

async function serverUrl(): Promise<string> {
  if (process.env.BENCH_DATABASE_URL) return process.env.BENCH_DATABASE_URL;
  const { stdout } = await promisify(execFile)('bash', ['scripts/pg/start-test-server.sh'], { timeout: 900_000 });
  const url = /^export TEST_DATABASE_URL=(\S+)$/m.exec(stdout)?.[1];
  if (!url) throw new Error('set BENCH_DATABASE_URL, or let scripts/pg/start-test-server.sh start a server');
  return url;
}

async function freePort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function startInstance(id: string, databaseUrl: string): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN: token, INSTANCE_ID: id,
      LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '20', JOBS_ENABLED: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  while (!(await fetch(`${base}/ready`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`instance ${id} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, child };
}

/** bench/load.ts in a worker thread (the bench/agent.ts pattern), each client a phone of its own. */
function loadInWorker(url: string, clients: number, secs: number, phonePrefix: string): Promise<LoadResult> {
  const loadFile = new URL('./load.ts', import.meta.url).href;
  const code = `
    const { workerData: d, parentPort } = await import('node:worker_threads');
    const { register } = await import('tsx/esm/api');
    register();
    const { runLoad } = await import(${JSON.stringify(loadFile)});
    const result = await runLoad({
      url: d.url, concurrency: d.clients, seconds: d.secs,
      request: (c, i) => ({
        method: 'POST', path: '/api/v1/messages', headers: { authorization: 'Bearer ' + d.token },
        body: { text: d.questions[(c + i) % d.questions.length], from: { phone: d.prefix + String(c).padStart(6, '0') } },
      }),
    });
    parentPort.postMessage(result);`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { url, clients, secs, prefix: phonePrefix, token, questions: QUESTIONS }, type: 'module' } as never);
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const TICK = 100; // USER_HZ
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK || 0;
}
/** CPU seconds of every PostgreSQL process by pid (backends come and go: compare per pid). */
async function postgresCpu(): Promise<Map<number, number>> {
  const byPid = new Map<number, number>();
  for (const p of await readdir('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    if ((await readFile(`/proc/${p}/comm`, 'utf8').catch(() => '')).trim() === 'postgres') byPid.set(Number(p), await cpuSeconds(Number(p)));
  }
  return byPid;
}
function cpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, v] of after) total += v - (before.get(pid) ?? 0);
  return total;
}

async function phase(name: string, targets: { base: string; child: ChildProcess }[]) {
  const pids = targets.map((t) => t.child.pid!);
  const before = { node: await Promise.all(pids.map(cpuSeconds)), pg: await postgresCpu() };
  const per = Math.floor(concurrency / targets.length);
  const results = await Promise.all(targets.map((t, i) => loadInWorker(t.base, per, seconds, `139${i + 1}0`)));
  const after = { node: await Promise.all(pids.map(cpuSeconds)), pg: await postgresCpu() };
  const turns = results.reduce((n, r) => n + r.requests, 0);
  const wall = Math.max(...results.map((r) => r.seconds));
  const row = {
    phase: name, instances: targets.length, clients: per * targets.length,
    turnsPerSecond: Math.round(turns / wall), errors: results.reduce((n, r) => n + r.errors, 0),
    p50ms: results.map((r) => r.ms.p50), p95ms: results.map((r) => r.ms.p95),
    cpuSecondsPerInstance: after.node.map((v, i) => +(v - before.node[i]).toFixed(1)),
    cpuSecondsPostgres: +cpuSince(before.pg, after.pg).toFixed(1),
    wallSeconds: wall,
  };
  console.log(JSON.stringify(row));
  return row;
}

const admin = await serverUrl();
const name = `yinong_bench_${randomBytes(4).toString('hex')}`;
const c = new pg.Client({ connectionString: admin });
await c.connect();
await c.query(`CREATE DATABASE ${name}`);
await c.end();
const u = new URL(admin);
u.pathname = `/${name}`;
const started: ChildProcess[] = [];
try {
  const a = await startInstance('bench-a', u.toString());
  started.push(a.child);
  await loadInWorker(a.base, 8, 3, '13990'); // warm up: caches, JIT, connections
  const one = await phase('one instance', [a]);
  const b = await startInstance('bench-b', u.toString());
  started.push(b.child);
  await loadInWorker(b.base, 8, 3, '13991');
  const two = await phase('two instances', [a, b]);
  console.log(JSON.stringify({
    machine: `${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    seconds, concurrency, one, two, ratio: +(two.turnsPerSecond / one.turnsPerSecond).toFixed(2),
  }, null, 2));
} finally {
  for (const child of started) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
  const d = new pg.Client({ connectionString: admin });
  await d.connect();
  await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await d.end();
}
