/**
 * npx tsx bench/sms.ts — the SMS channel's two targets (issue 6):
 *  1. inbound webhook → reply queued: signed POSTs to /webhooks/sms/http on a listening server, each answered
 *     once the turn is stored and its reply is in the outbox (≥ 200 msg/s, p95 ≤ 50 ms on a PostgreSQL server):
 *     throughput with CONCURRENCY senders in a closed loop, then latency with messages offered at SMS_BENCH_RATE
 *     a second (open loop, as a gateway delivers them);
 *  2. SMPP: submits per second to a local SMSC with a window of 10 (≥ 100/s), through the outbox worker.
 * PGlite always; a PostgreSQL server too when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set, in a
 * throw-away schema. Options: SMS_BENCH_MESSAGES=2000 SMS_BENCH_CONCURRENCY=16 SMS_BENCH_RATE=200
 * SMS_BENCH_SUBMITS=3000 SMS_BENCH_ENGINES=pglite,postgres SMS_BENCH_ONLY=inbound,smpp
 */
import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import smpp, { type PDU, type Session } from 'smpp';
import { buildApp } from '../src/app.ts';
import { createServices } from '../src/compose.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { openDatabase, type Database } from '../src/db/pool.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedKnowledgeBase } from '../src/knowledge/seed.ts';
import { seedStructuredData } from '../src/data/index.ts';
import { enqueueSms } from '../src/channels/sms/outbox.ts';
import { sign } from '../src/webhooks/signature.ts';
import { SmppGateway } from '../src/channels/sms/smpp/gateway.ts';
import { inboundDeps } from '../src/channels/sms/service.ts';
import { OutboxWorker } from '../src/channels/sms/worker.ts';

const MESSAGES = Number(process.env.SMS_BENCH_MESSAGES ?? 2000);
const CONCURRENCY = Number(process.env.SMS_BENCH_CONCURRENCY ?? 16);
const SUBMITS = Number(process.env.SMS_BENCH_SUBMITS ?? 3000);
const RATE = Number(process.env.SMS_BENCH_RATE ?? 200);
const SECRET = 'bench-secret-0123456789abcdef';
const QUESTIONS = [
  '金乡大蒜今天啥价', '小麦条锈病咋防治', '你好', '1', '益农信息社能办哪些事', '玉米螟用什么药', '大棚黄瓜霜霉病怎么治',
  '嘉祥县有没有招工的', '帮助', '俺家麦子叶子发黄咋整', '鱼塘浮头怎么办', '信息员要具备什么条件',
];

function percentile(sorted: number[], p: number): number {
  return +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
}

function post(port: number, agent: HttpAgent, body: string): Promise<number> {
  const ts = String(Math.floor(Date.now() / 1000));
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path: '/webhooks/sms/http', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-yinong-timestamp': ts, 'x-yinong-signature': sign(SECRET, ts, body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function inboundBench(engine: string, db: Database, config: Config) {
  const services = await createServices(config, db, { clock: () => new Date('2026-11-28T04:00:00Z') });
  await seedKnowledgeBase(db, services.knowledge, config.SEEDS_DIR);
  await seedStructuredData(db, config.SEEDS_DIR);
  const app = await buildApp(services, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY });
  const send = (i: number) => post(port, httpAgent, JSON.stringify({
    id: `bench-${engine}-${i}`, from: `139${String(10_000_000 + (i % 500)).slice(-8)}`, to: '106900001234', text: QUESTIONS[i % QUESTIONS.length],
  }));
  for (let i = 0; i < 100; i++) await send(-1 - i); // warm up: caches, JIT, conversations
  // Throughput: CONCURRENCY senders, each sending its next message when the last one is answered.
  const times: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < MESSAGES) {
      const i = next++;
      const t = performance.now();
      const status = await send(i);
      times.push(performance.now() - t);
      if (status !== 200) failures++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);

  // Latency at the target rate: messages arrive every 1/RATE s whatever the answers do (open loop).
  const paced: number[] = [];
  const pacedStart = performance.now();
  const pacedCount = Math.min(MESSAGES, RATE * 10);
  await Promise.all(Array.from({ length: pacedCount }, async (_, k) => {
    const due = pacedStart + (k * 1000) / RATE;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const t = performance.now();
    if ((await send(MESSAGES + k)) !== 200) failures++;
    paced.push(performance.now() - t);
  }));
  const pacedSeconds = (performance.now() - pacedStart) / 1000;
  paced.sort((a, b) => a - b);
  const queued = (await db.pool.query(`SELECT count(*)::int AS n FROM sms_outbox WHERE phone LIKE '139%'`)).rows[0].n;
  await app.close();
  httpAgent.destroy();
  return {
    engine, bench: 'inbound webhook → reply queued', failures, queued,
    closedLoop: { messages: MESSAGES, concurrency: CONCURRENCY, perSecond: Math.round(MESSAGES / seconds), ms: { p50: percentile(times, 0.5), p95: percentile(times, 0.95), p99: percentile(times, 0.99) } },
    openLoop: { offeredPerSecond: RATE, messages: pacedCount, achievedPerSecond: Math.round(pacedCount / pacedSeconds), ms: { p50: percentile(paced, 0.5), p95: percentile(paced, 0.95), p99: percentile(paced, 0.99), max: percentile(paced, 1) } },
  };
}

/** A local SMSC that binds anyone and answers every submit_sm at once. */
async function startSmsc(): Promise<{ port: number; submits: () => number; close: () => Promise<void> }> {
  let submits = 0;
  const server = smpp.createServer({}, (session: Session) => {
    session.on('error', () => {});
    session.on('bind_transceiver', (pdu: PDU) => session.send(pdu.response()));
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('submit_sm', (pdu: PDU) => session.send(pdu.response({ message_id: `M${++submits}` })));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    submits: () => submits,
    close: () => new Promise<void>((r) => {
      for (const s of [...server.sessions]) s.destroy();
      server.close(() => r());
    }),
  };
}

async function smppBench(engine: string, db: Database, config: Config) {
  const smsc = await startSmsc();
  const { turns } = await createServices(config, db);
  const gateway = new SmppGateway({
    host: '127.0.0.1', port: smsc.port, systemId: 'bench', password: '', systemType: '', window: 10, enquireLinkSeconds: 30,
    responseTimeoutMs: 10_000, reconnectMaxSeconds: 5, sourceAddr: '106900001234', inbound: inboundDeps(config, db.pool, turns), onStored: () => {},
  });
  await gateway.start();
  while (!gateway.ready()) await new Promise((r) => setTimeout(r, 20));

  // The client alone: submit_sm round trips with 10 unanswered at most.
  const rawStarted = performance.now();
  let n = 0;
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (n < SUBMITS) {
      n++;
      await gateway.client.submit({ destination_addr: '8613800138000', data_coding: 8, short_message: { message: '基准测试' } });
    }
  }));
  const rawPerSecond = Math.round(SUBMITS / ((performance.now() - rawStarted) / 1000));

  // Through the outbox: rows written first, claimed, submitted, marked sent.
  for (let i = 0; i < SUBMITS; i++) await enqueueSms(db.pool, { to: `137${String(10_000_000 + i).slice(-8)}`, text: `第${i}条：明天有雨，注意排水。`, kind: 'notify' });
  const before = smsc.submits();
  const worker = new OutboxWorker(db.pool, gateway, {
    ratePerSecond: 10_000, maxAttempts: 5, retryBaseMs: 1000, retryMaxMs: 10_000, leaseSeconds: 60, pollMs: 20, resendUncertain: true,
  });
  const started = performance.now();
  worker.start();
  while ((await db.pool.query(`SELECT count(*)::int AS n FROM sms_outbox WHERE status = 'sent' AND phone LIKE '137%'`)).rows[0].n < SUBMITS) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  await worker.stop();
  await gateway.stop();
  await smsc.close();
  return {
    engine, bench: 'SMPP submits, window 10', submits: SUBMITS, atSmsc: smsc.submits() - before,
    clientPerSecond: rawPerSecond, outboxPerSecond: Math.round(SUBMITS / seconds),
  };
}

async function run(engine: string, open: () => Promise<Database>) {
  const config = loadConfig({
    ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', NODE_ENV: 'test', SMS_GATEWAY: 'http',
    SMS_HTTP_URL: 'http://127.0.0.1:9/unused', SMS_HTTP_SECRET: SECRET,
  });
  const which = (process.env.SMS_BENCH_ONLY ?? 'inbound,smpp').split(',');
  for (const bench of [inboundBench, smppBench].filter((b) => which.includes(b === inboundBench ? 'inbound' : 'smpp'))) {
    const db = await open();
    try {
      await migrate(db);
      console.log(JSON.stringify(await bench(engine, db, config)));
    } finally {
      await db.close();
    }
  }
}

const engines = (process.env.SMS_BENCH_ENGINES ?? 'pglite,postgres').split(',');
if (engines.includes('pglite')) await run('pglite', () => openDatabase({ dataDir: 'memory://' }));
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (url && engines.includes('postgres')) {
  await run('postgres', async () => {
    const schema = `bench_sms_${randomBytes(4).toString('hex')}`;
    const db = await openDatabase({ url, schema, poolSize: 20 });
    return { ...db, close: async () => { await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {}); await db.close(); } };
  });
}
