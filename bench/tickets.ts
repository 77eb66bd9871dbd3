/**
 * npx tsx bench/tickets.ts — the expert console's queue views with 100,000 tickets, and an expert's reply to
 * the farmer's WebSocket. PGlite always; a PostgreSQL server too when TEST_DATABASE_URL (or
 * BENCH_DATABASE_URL) is set (in a schema of its own, dropped afterwards).
 * Options (environment): BENCH_TICKETS=100000  BENCH_QUERIES=200  BENCH_REPLIES=100 (0 skips the WebSocket part)
 *   BENCH_SKIP_PGLITE=1 (server only)
 */
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { loadConfig } from '../src/config.ts';
import { openDatabase, type Database } from '../src/db/pool.ts';
import { migrate } from '../src/db/migrate.ts';
import { listTickets, ticketSummary, type TicketQuery } from '../src/escalation/queries.ts';
import type { TicketScope } from '../src/escalation/scope.ts';
import { getTicket } from '../src/escalation/tickets.ts';
import { ticketDetail } from '../src/escalation/view.ts';
import { buildApp } from '../src/app.ts';
import { createServices } from '../src/compose.ts';
import { hashPassword } from '../src/accounts/passwords.ts';
import { createUser } from '../src/accounts/users.ts';
import { EXPERT_CATEGORIES } from '../src/escalation/categories.ts';
import { JINING_COUNTIES } from '../src/data/counties.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const REPLIES = Number(process.env.BENCH_REPLIES ?? 100);
const EXPERTS = 60;

function percentiles(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  const at = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

/**
 * A year and a half of a city's tickets in a few statements: most closed, a few hundred still open, spread
 * over the categories, counties and 60 experts; three history events each.
 */
async function fill(db: Database): Promise<{ experts: { id: string; specialties: string[]; counties: string[] }[]; officer: string }> {
  const experts = [];
  const hash = await hashPassword('bench-password');
  for (let i = 0; i < EXPERTS; i++) {
    const specialties = [EXPERT_CATEGORIES[i % 12], EXPERT_CATEGORIES[(i + 5) % 12]];
    const counties = i % 3 === 0 ? [] : [JINING_COUNTIES[i % 11]];
    const u = await createUser(db.pool, { username: `bench_e${i}`, passwordHash: hash, role: 'expert', name: `专家${i}`, specialties, counties, capacity: 1000 });
    experts.push({ id: u!.id, specialties, counties });
  }
  const officer = (await createUser(db.pool, { username: 'bench_officer', passwordHash: hash, role: 'officer', name: '信息员' }))!.id;
  const t0 = performance.now();
  const conversations = Math.ceil(TICKETS / 5);
  await db.pool.query(
    `INSERT INTO conversations (channel, farmer_phone, county)
     SELECT CASE WHEN g % 3 = 0 THEN 'sms' ELSE 'api' END, '138' || lpad(g::text, 8, '0'), ($2::text[])[1 + g % 11]
       FROM generate_series(1, $1) g`,
    [conversations, JINING_COUNTIES],
  );
  await db.pool.query(`CREATE TEMP TABLE bench_conv AS SELECT id, row_number() OVER (ORDER BY id) AS n FROM conversations`);
  await db.pool.query(
    `INSERT INTO messages (conversation_id, author, author_id, text, escalated, created_at)
     SELECT c.id, CASE WHEN g % 50 = 0 THEN 'officer' ELSE 'bot' END, CASE WHEN g % 50 = 0 THEN $3 END,
            '这个问题我没有把握答准，已经转给专家', true, now() - make_interval(mins => g * 7)
       FROM generate_series(1, $1) g JOIN bench_conv c ON c.n = 1 + g % $2`,
    [TICKETS, conversations, officer],
  );
  await db.pool.query(
    `INSERT INTO escalations (conversation_id, message_id, question, category, county, reason, passages, created_at)
     SELECT m.conversation_id, m.id, '问题' || m.id || '：小麦叶子发黄是什么原因', ($1::text[])[1 + m.id % 12],
            ($2::text[])[1 + m.id % 11], 'low_confidence', '[]', m.created_at
       FROM messages m`,
    [EXPERT_CATEGORIES, JINING_COUNTIES],
  );
  // Status mix: 1% open (queue), 0.5% reopened, 1.5% assigned, 2% answered, 0.2% expired, the rest closed.
  await db.pool.query(
    `INSERT INTO tickets (id, conversation_id, status, category, priority, county, question, assignee_id, due_at,
                          created_at, updated_at, last_activity_at, answered_at, closed_at)
     SELECT e.id, e.conversation_id, s.status, e.category, 1 + (r % 3), e.county, e.question,
            CASE WHEN s.status IN ('open') THEN NULL ELSE ($1::uuid[])[1 + (r % ${EXPERTS})] END,
            e.created_at + interval '4 hours', e.created_at, e.created_at, e.created_at,
            CASE WHEN s.status IN ('answered', 'closed') THEN e.created_at + interval '2 hours' END,
            CASE WHEN s.status IN ('closed', 'expired') THEN e.created_at + interval '1 day' END
       FROM (SELECT e.*, row_number() OVER (ORDER BY e.created_at DESC) AS r FROM escalations e) e
       CROSS JOIN LATERAL (SELECT CASE
              WHEN e.r % 1000 < 10 THEN 'open' WHEN e.r % 1000 < 15 THEN 'reopened' WHEN e.r % 1000 < 30 THEN 'assigned'
              WHEN e.r % 1000 < 50 THEN 'answered' WHEN e.r % 1000 < 52 THEN 'expired' ELSE 'closed' END AS status) s`,
    [experts.map((e) => e.id)],
  );
  await db.pool.query(
    `UPDATE tickets t SET asked_by = $1 FROM escalations e JOIN messages m ON m.id = e.message_id
      WHERE e.id = t.id AND m.author = 'officer'`,
    [officer],
  );
  await db.pool.query(
    `INSERT INTO ticket_events (ticket_id, kind, actor, created_at)
     SELECT t.id, k.kind, 'bench', t.created_at FROM tickets t CROSS JOIN (VALUES ('created'), ('assigned'), ('answered')) k(kind)`,
  );
  await db.pool.query('ANALYZE');
  console.error(`filled ${TICKETS} tickets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { experts, officer };
}

async function benchViews(name: string, open: () => Promise<Database>) {
  const db = await open();
  try {
    await migrate(db);
    const { experts, officer } = await fill(db);
    const expert = experts[1]; // two specialties, one county
    const cityWide = experts[0];
    const scopes: Record<string, TicketScope> = {
      expert: { kind: 'expert', userId: expert.id, specialties: expert.specialties, counties: expert.counties },
      cityExpert: { kind: 'expert', userId: cityWide.id, specialties: cityWide.specialties, counties: [] },
      admin: { kind: 'all' },
      officer: { kind: 'officer', userId: officer, counties: [], village: null },
    };
    const views: [string, TicketScope, TicketQuery | 'summary' | 'detail'][] = [
      ['expert: mine', scopes.expert, { view: 'mine', limit: 50 }],
      ['expert: team queue', scopes.expert, { view: 'queue', limit: 50 }],
      ['city expert: team queue', scopes.cityExpert, { view: 'queue', limit: 50 }],
      ['expert: all in scope, newest first', scopes.expert, { view: 'scope', limit: 50 }],
      ['expert: closed in scope', scopes.expert, { view: 'scope', statuses: ['closed'], limit: 50 }],
      ['expert: queue filtered by county', scopes.cityExpert, { view: 'queue', county: JINING_COUNTIES[3], limit: 50 }],
      ['expert: badge counts', scopes.expert, 'summary'],
      ['admin: team queue', scopes.admin, { view: 'queue', limit: 50 }],
      ['admin: all, newest first', scopes.admin, { view: 'scope', limit: 50 }],
      ['admin: reopened', scopes.admin, { view: 'scope', statuses: ['reopened'], limit: 50 }],
      ['admin: category 植保, page 2', scopes.admin, { view: 'scope', category: '植保', limit: 50 }],
      ['admin: badge counts', scopes.admin, 'summary'],
      ['officer: own farmers', scopes.officer, { view: 'scope', limit: 50 }],
      ['ticket page (detail)', scopes.admin, 'detail'],
    ];
    const { rows: sample } = await db.pool.query<{ id: string }>(`SELECT id FROM tickets ORDER BY random() LIMIT 50`);
    const now = new Date();
    const results: Record<string, unknown>[] = [];
    for (const [label, scope, query] of views) {
      let cursor: { createdAt: string; id: string } | undefined;
      const run = async (i: number) => {
        if (query === 'summary') return ticketSummary(db.pool, scope, now);
        if (query === 'detail') return ticketDetail(db.pool, (await getTicket(db.pool, sample[i % sample.length].id))!, now);
        const rows = await listTickets(db.pool, scope, { ...query, before: label.includes('page 2') ? cursor : undefined });
        if (label.includes('page 2') && !cursor && rows.length) cursor = { createdAt: rows.at(-1)!.createdAt, id: rows.at(-1)!.id };
        return rows;
      };
      for (let i = 0; i < 5; i++) await run(i); // warm up
      const times: number[] = [];
      let size = 0;
      for (let i = 0; i < QUERIES; i++) {
        const t = performance.now();
        const out = await run(i);
        times.push(performance.now() - t);
        size = Array.isArray(out) ? out.length : 1;
      }
      const row = { engine: name, tickets: TICKETS, view: label, rows: size, ms: percentiles(times) };
      console.log(JSON.stringify(row));
      results.push(row);
    }
    return results;
  } finally {
    await db.close();
  }
}

/** From an expert's reply (HTTP) to the farmer's screen (a web-chat WebSocket frame), on PGlite. */
async function benchReplyToSocket() {
  const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', NODE_ENV: 'test', ADMIN_TOKEN: 'bench-admin-token-0123456789' });
  const db = await openDatabase({ dataDir: 'memory://' });
  await migrate(db);
  const services = await createServices(config, db);
  const app = await buildApp(services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  try {
    await createUser(db.pool, {
      username: 'bench_expert', passwordHash: await hashPassword('bench-password'), role: 'expert', name: '专家',
      specialties: [...EXPERT_CATEGORIES], capacity: 1000, workDays: [1, 2, 3, 4, 5, 6, 7], workStartMin: 0, workEndMin: 1440,
    });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench_expert', password: 'bench-password' }),
    });
    const auth = { authorization: `Bearer ${(await login.json()).token}`, 'content-type': 'application/json' };
    const farmers: { ws: WebSocket; ticketId: string; waiter?: (at: number) => void }[] = [];
    for (let i = 0; i < REPLIES; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/chat`);
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      const farmer: (typeof farmers)[number] = { ws, ticketId: '' };
      const escalated = new Promise<void>((resolve) => {
        ws.on('message', (data) => {
          const at = performance.now();
          const f = JSON.parse(data.toString());
          if (f.type === 'message' && f.ticketId) {
            farmer.ticketId = f.ticketId;
            resolve();
          }
          if (f.type === 'message' && f.author === 'expert') farmer.waiter?.(at);
        });
      });
      ws.send(JSON.stringify({ type: 'hello', deviceId: `bench-device-${i}-${Date.now()}` }));
      ws.send(JSON.stringify({ type: 'message', clientId: `q${i}`, text: `第${i}块地的小麦叶子发黄是什么原因` }));
      await escalated;
      farmers.push(farmer);
    }
    const times: number[] = [];
    for (const f of farmers) {
      const seen = new Promise<number>((r) => (f.waiter = r));
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/tickets/${f.ticketId}/reply`, { method: 'POST', headers: auth, body: JSON.stringify({ text: '可能是缺氮，亩追尿素5公斤。' }) });
      if (!res.ok) throw new Error(`reply ${res.status}: ${await res.text()}`);
      times.push((await seen) - t0);
    }
    for (const f of farmers) f.ws.close();
    const row = { engine: 'pglite', replyToFarmerWebSocketMs: percentiles(times), samples: times.length };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await app.close();
    await db.close();
  }
}

const summary: Record<string, unknown> = { machine: `${os.cpus().length} cores, node ${process.version}` };
if (!process.env.BENCH_SKIP_PGLITE) summary.pglite = await benchViews('pglite', () => openDatabase({ dataDir: 'memory://' }));
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (url) {
  const schema = `bench_tickets_${process.pid}`;
  summary.postgres = await benchViews('postgres', async () => {
    const db = await openDatabase({ url, schema, poolSize: 4 });
    return { ...db, close: async () => { if (!process.env.BENCH_KEEP_SCHEMA) await db.pool.query(`DROP SCHEMA ${schema} CASCADE`); await db.close(); } };
  });
}
if (REPLIES > 0) summary.replyToSocket = await benchReplyToSocket();
console.log(JSON.stringify(summary, null, 2));
