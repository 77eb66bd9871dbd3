import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ChatClient, newDeviceId } from '../webchat/client.ts';
import { freshDatabase, serverUrl, startInstance, type Instance } from './server.ts';

// Two real server processes (`node --import tsx src/main.ts`) on one PostgreSQL database, as behind a load
// balancer: what one instance does must reach and hold for the other.
const ADMIN_TOKEN = 'instances-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
let database: Awaited<ReturnType<typeof freshDatabase>>;
let a: Instance;
let b: Instance;
let sql: pg.Pool;

beforeAll(async () => {
  database = await freshDatabase(await serverUrl());
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
  const env = {
    DATABASE_URL: database.url, ADMIN_TOKEN, DATABASE_POOL_SIZE: '8',
    // One job ticking every second on both; the others off, so job_runs holds only what this test watches.
    JOBS_EXPIRY_SCHEDULE: '* * * * * *', JOBS_KNOWLEDGE_ENABLED: 'false', JOBS_TICKET_SLA_ENABLED: 'false',
    JOBS_OUTBOX_SWEEP_ENABLED: 'false', JOBS_PRICE_IMPORT_ENABLED: 'false',
  };
  // Started together, as a deployment does: migrations and seeding take their locks.
  [a, b] = await Promise.all([startInstance('inst-a', env), startInstance('inst-b', env)]);
}, 900_000);

afterAll(async () => {
  const started = Boolean(a && b);
  const codes = await Promise.all([a?.stop(), b?.stop()]);
  await sql?.end();
  await database?.drop();
  // A graceful stop exits 0 (jobs and sockets drained).
  if (started) expect(codes).toEqual([0, 0]);
}, 300_000);

async function post(inst: Instance, path: string, body: unknown, headers: Record<string, string> = admin) {
  const res = await fetch(`${inst.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${inst.id} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text);
}

describe('two server processes on one PostgreSQL', () => {
  it('an expert answering through instance B reaches the farmer’s WebSocket on instance A', async () => {
    await post(b, '/api/v1/users', {
      username: 'expert_b', password: 'expert-b-password-1', role: 'expert', name: '跨实例专家', phone: '13900000188',
      specialties: ['经济作物', '果树', '粮食作物', '植保'], workDays: [1, 2, 3, 4, 5, 6, 7], workHours: '00:00-24:00',
    });
    const { token } = await post(b, '/api/v1/auth/login', { username: 'expert_b', password: 'expert-b-password-1' }, { 'content-type': 'application/json' });

    const { client } = await ChatClient.connect(a.wsUrl, { deviceId: newDeviceId() });
    const { reply } = await client.ask('家里的蓝莓叶子发红是怎么回事');
    expect(reply.escalated).toBe(true);
    expect(reply.ticketId).toBeTruthy();

    const answer = await post(b, `/api/v1/tickets/${reply.ticketId}/reply`, { text: '多半是缺铁，浇点硫酸亚铁水。' }, {
      authorization: `Bearer ${token}`, 'content-type': 'application/json',
    });
    const live = await client.next('message', 20_000, (f) => f.author === 'expert');
    expect(live).toMatchObject({ id: answer.message.id, text: '多半是缺铁，浇点硫酸亚铁水。' });
    client.close();
  });

  it('a job scheduled on both instances runs once per tick', async () => {
    // Wait for at least three ticks (each second) however loaded the machine is, then check each ran once.
    const slots = () => sql.query(
      `SELECT slot, count(*)::int AS n, array_agg(DISTINCT instance) AS by FROM job_runs WHERE job = 'expiry' GROUP BY slot`,
    );
    let { rows } = await slots();
    for (let i = 0; i < 120 && rows.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 250));
      ({ rows } = await slots());
    }
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const { rows: overlapping } = await sql.query(
      `SELECT count(*)::int AS n FROM job_runs x JOIN job_runs y ON x.job = y.job AND x.id < y.id
        WHERE x.job = 'expiry' AND tstzrange(x.started_at, x.finished_at) && tstzrange(y.started_at, y.finished_at)`,
    );
    expect(overlapping[0].n).toBe(0);
    const metrics = await Promise.all([a, b].map((i) => fetch(`${i.base}/metrics`).then((r) => r.text())));
    const ran = metrics.map((t) => Number(/yinong_job_runs_total\{job="expiry",outcome="succeeded"\} (\d+)/.exec(t)?.[1] ?? 0));
    expect(ran[0] + ran[1]).toBeGreaterThanOrEqual(rows.length - 2);
  });

  it('the same escalating turn sent to both instances at once makes one message, one escalation and one ticket', async () => {
    const phone = '13900000999';
    const turns = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post(i % 2 ? a : b, '/api/v1/messages', { text: '我要找专家，葡萄叶子上长白毛', from: { phone }, messageId: 'resent-sms-1' }),
      ),
    );
    expect(new Set(turns.map((t) => t.conversationId)).size).toBe(1);
    const { rows } = await sql.query(
      `SELECT (SELECT count(*)::int FROM messages WHERE channel_message_id = 'resent-sms-1') AS inbound,
              (SELECT count(*)::int FROM escalations e WHERE e.conversation_id = $1) AS escalations,
              (SELECT count(*)::int FROM tickets t WHERE t.conversation_id = $1) AS tickets`,
      [turns[0].conversationId],
    );
    expect(rows[0]).toEqual({ inbound: 1, escalations: 1, tickets: 1 });
  });

  it('answers /ready and /metrics on both', async () => {
    for (const inst of [a, b]) {
      expect((await fetch(`${inst.base}/ready`)).status).toBe(200);
      const text = await (await fetch(`${inst.base}/metrics`)).text();
      expect(text).toContain('yinong_bridge_connected 1');
      expect(text).toContain('yinong_database_up 1');
      expect(text).toMatch(/yinong_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/messages",status="200"\} \d+/);
    }
  });
});
