import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSms } from '../../src/channels/sms/outbox.ts';
import { recoverExpired } from '../../src/channels/sms/outbox-store.ts';
import type { OutboxWorker } from '../../src/channels/sms/worker.ts';
import { createSmsApp, httpWorker, signedInject, TestGateway, waitFor, type SmsTestApp } from './helpers.ts';

let t: SmsTestApp;
let gateway: TestGateway;
const workers: OutboxWorker[] = [];
beforeAll(async () => {
  gateway = await new TestGateway().start();
  t = await createSmsApp({}, { seed: false });
}, 300_000);
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop(2000);
  gateway.behave = () => 'ok';
});
afterAll(async () => {
  await t?.close();
  await gateway?.stop();
});

function worker(opts: Parameters<typeof httpWorker>[2] = {}): OutboxWorker {
  const w = httpWorker(t, gateway, opts);
  workers.push(w);
  return w;
}

const statusOf = async (id: string) => (await t.db.pool.query(`SELECT status, attempts, last_error, gateway_id FROM sms_outbox WHERE id = $1`, [id])).rows[0];

describe('sending', () => {
  it('posts {id, to, text} signed to the gateway and keeps the gateway id', async () => {
    const [id] = await enqueueSms(t.db.pool, { to: '13800001111', text: '明天有小雨，注意排水。', kind: 'notify' });
    worker().start();
    const row = await waitFor(async () => { const r = await statusOf(id); return r.status === 'sent' && r; }, 10_000, 'sent');
    expect(gateway.requests.find((r) => r.id === id)).toEqual({ id, to: '+8613800001111', text: '明天有小雨，注意排水。' });
    expect(row.gateway_id).toBe(gateway.delivered.get(id)!.gatewayId);
    expect(gateway.badSignatures).toEqual([]);
  });

  it('retries 5xx, 429 and timeouts with back-off, and gives up on a 4xx', async () => {
    gateway.behave = (req, n) => {
      if (req.text === '重试后成功' && n <= 2) return { status: n === 1 ? 503 : 429, retryAfter: '0' };
      if (req.text === '超时后成功' && n === 1) return 'hang';
      if (req.text === '号码被拒') return { status: 422, body: '{"error":"blocked number"}' };
      return 'ok';
    };
    const [a] = await enqueueSms(t.db.pool, { to: '13800002222', text: '重试后成功', kind: 'notify' });
    const [b] = await enqueueSms(t.db.pool, { to: '13800002223', text: '超时后成功', kind: 'notify' });
    const [c] = await enqueueSms(t.db.pool, { to: '13800002224', text: '号码被拒', kind: 'notify' });
    // Only the hung request may time out: 3 s is far beyond a normal answer even on a loaded machine.
    worker({ timeoutMs: 3000 }).start();
    expect(await waitFor(async () => { const r = await statusOf(a); return r.status === 'sent' && r; }, 30_000, 'a')).toMatchObject({ attempts: 3 });
    expect(await waitFor(async () => { const r = await statusOf(b); return r.status === 'sent' && r; }, 30_000, 'b')).toMatchObject({ attempts: 2 });
    const failed = await waitFor(async () => { const r = await statusOf(c); return r.status === 'failed' && r; }, 30_000, 'c');
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toMatch(/422.*blocked number/);
  });

  it('fails a message after its attempts run out, with the last error kept', async () => {
    gateway.behave = (req) => (req.text === '网关一直坏' ? { status: 500 } : 'ok');
    const [id] = await enqueueSms(t.db.pool, { to: '13800003333', text: '网关一直坏', kind: 'notify' });
    worker({ maxAttempts: 3 }).start();
    const row = await waitFor(async () => { const r = await statusOf(id); return r.status === 'failed' && r; }, 10_000, 'failed');
    expect(row.attempts).toBe(3);
    expect(gateway.requests.filter((r) => r.id === id)).toHaveLength(3);
  });

  it('keeps to the rate limit', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push(...(await enqueueSms(t.db.pool, { to: `1380000${String(4000 + i)}`, text: `限速${i}`, kind: 'notify' })));
    const started = performance.now();
    worker({ ratePerSecond: 10, window: 10 }).start();
    await waitFor(async () => (await t.db.pool.query(`SELECT count(*)::int AS n FROM sms_outbox WHERE id = ANY($1) AND status = 'sent'`, [ids])).rows[0].n === 15, 10_000, 'all sent');
    // A burst of 10, then 10 a second: the last five need at least another half second.
    expect(performance.now() - started).toBeGreaterThan(400);
  });
});

describe('delivery receipts', () => {
  it('marks the row delivered or undelivered from the status webhook, even when the receipt comes first', async () => {
    const [id] = await enqueueSms(t.db.pool, { to: '13800005555', text: '回执测试', kind: 'notify' });
    worker().start();
    const row = await waitFor(async () => { const r = await statusOf(id); return r.status === 'sent' && r; }, 10_000, 'sent');
    const res = await signedInject(t.app, '/webhooks/sms/http/status', { id: row.gateway_id, status: 'delivered' });
    expect(res.json()).toEqual({ matched: true });
    expect((await statusOf(id)).status).toBe('delivered');

    const unknown = await signedInject(t.app, '/webhooks/sms/http/status', { id: 'never-sent', status: 'failed', error: 'absent subscriber' });
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual({ matched: false });

    // The gateway's receipt beats our own record of its id: kept, then applied when we mark the row sent.
    gateway.behave = (req) => (req.text === '回执抢先' ? 'deliver-then-hang' : 'ok');
    const [early] = await enqueueSms(t.db.pool, { to: '13800005556', text: '回执抢先', kind: 'notify' });
    const w = worker({ timeoutMs: 300 });
    w.start();
    await waitFor(() => gateway.delivered.has(early), 10_000, 'the gateway to take it');
    await signedInject(t.app, '/webhooks/sms/http/status', { id: gateway.delivered.get(early)!.gatewayId, status: 'undelivered', error: 'absent subscriber' });
    gateway.behave = () => 'ok';
    const done = await waitFor(async () => { const r = await statusOf(early); return r.status === 'undelivered' && r; }, 10_000, 'undelivered');
    expect(done.last_error).toMatch(/absent subscriber/);
  });
});

describe('a worker killed mid-send', () => {
  it('loses nothing and sends nothing twice when a second worker takes over', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(...(await enqueueSms(t.db.pool, { to: `1390000${String(1000 + i)}`, text: `重启测试第${i + 1}条`, kind: 'notify' })));
    const seen = new Set<string>();
    // The first five go through; the next ones reach the gateway, which delivers them, but the answers
    // never come back before the process dies; the rest wait in the outbox.
    gateway.behave = (req) => {
      seen.add(req.id);
      return seen.size <= 5 ? 'ok' : 'deliver-then-hang';
    };
    // A long lease and gateway time-out, so a slow machine cannot end the hung sends before the "kill";
    // abandon() cuts them off, and the second worker takes the rows over when the lease ends.
    const first = worker({ window: 4, leaseSeconds: 10, timeoutMs: 120_000 });
    first.start();
    const sentCount = async () => (await t.db.pool.query(`SELECT count(*)::int AS n FROM sms_outbox WHERE id = ANY($1) AND status = 'sent'`, [ids])).rows[0].n;
    await waitFor(async () => first.busy === 4 && ids.filter((id) => gateway.delivered.has(id)).length === 9 && (await sentCount()) === 5, 30_000, 'five sent and four in flight');
    first.abandon(); // the process is killed: nothing more is recorded
    gateway.behave = () => 'ok';

    const states = (await t.db.pool.query(`SELECT status, count(*)::int AS n FROM sms_outbox WHERE id = ANY($1) GROUP BY status ORDER BY status`, [ids])).rows;
    expect(states).toEqual([{ status: 'queued', n: 11 }, { status: 'sending', n: 4 }, { status: 'sent', n: 5 }]);

    const second = worker({ window: 4, leaseSeconds: 2, timeoutMs: 1500 });
    second.start();
    await waitFor(async () => (await sentCount()) === 20, 60_000, 'all twenty sent');

    // Each SMS reached a phone exactly once; the four in flight were asked for twice and deduped on our id.
    for (const id of ids) expect(gateway.delivered.has(id)).toBe(true);
    expect([...gateway.delivered.values()].filter((d) => ids.includes(d.id))).toHaveLength(20);
    const asked = ids.map((id) => gateway.requests.filter((r) => r.id === id).length);
    expect(asked.filter((n) => n === 2)).toHaveLength(4);
    expect(asked.filter((n) => n === 1)).toHaveLength(16);
    expect(second.stats.recovered).toBe(4);
  }, 180_000);
});

describe('recovering attempts on a gateway that cannot dedupe (SMPP)', () => {
  it('resends what provably never left, and holds what may have left unless told to resend it', async () => {
    const [never] = await enqueueSms(t.db.pool, { to: '13800007771', text: '从未发出', kind: 'notify' });
    const [maybe] = await enqueueSms(t.db.pool, { to: '13800007772', text: '可能已发出', kind: 'notify' });
    await t.db.pool.query(
      `UPDATE sms_outbox SET status = 'sending', attempts = 1, claimed_by = 'dead-worker', lease_until = now() - interval '1 second',
              wire_at = CASE WHEN id = $2 THEN now() END
        WHERE id IN ($1, $2)`,
      [never, maybe],
    );
    expect(await recoverExpired(t.db.pool, { idempotent: false, resendUncertain: false })).toEqual({ requeued: 1, uncertain: 0, failed: 1 });
    expect((await statusOf(never)).status).toBe('queued');
    const held = await statusOf(maybe);
    expect(held.status).toBe('failed');
    expect(held.last_error).toMatch(/结果不明/);

    await t.db.pool.query(
      `UPDATE sms_outbox SET status = 'sending', lease_until = now() - interval '1 second', wire_at = now() WHERE id = $1`, [maybe],
    );
    expect(await recoverExpired(t.db.pool, { idempotent: false, resendUncertain: true })).toEqual({ requeued: 0, uncertain: 1, failed: 0 });
    expect((await statusOf(maybe)).status).toBe('queued');
    // A lease still running belongs to a live worker: left alone.
    await t.db.pool.query(`UPDATE sms_outbox SET status = 'sending', lease_until = now() + interval '1 minute' WHERE id = $1`, [never]);
    expect(await recoverExpired(t.db.pool, { idempotent: true, resendUncertain: true })).toEqual({ requeued: 0, uncertain: 0, failed: 0 });
    await t.db.pool.query(`UPDATE sms_outbox SET status = 'failed' WHERE id IN ($1, $2)`, [never, maybe]);
  });
});
