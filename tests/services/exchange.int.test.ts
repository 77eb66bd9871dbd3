import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrCreateConversation } from '../../src/conversations/store.ts';
import { signedHeaders, verifySignature } from '../../src/webhooks/signature.ts';
import { createScheduler } from '../../src/jobs/index.ts';
import type { TestContext } from '../helpers/app.ts';
import { servicesApp } from './helpers.ts';

const TOKEN = 'province-pull-token-0123456789';
const SECRET = 'province-shared-secret-0123456789';
const pull = { authorization: `Bearer ${TOKEN}` };

// The provincial platform, played by a real HTTP server: it refuses the first push, then takes the rest.
let province: Server;
const received: { body: string; verified: boolean }[] = [];
let refuseNext = 1;
let t: TestContext;
beforeAll(async () => {
  province = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const verdict = verifySignature(SECRET, { timestamp: req.headers['x-yinong-timestamp'], signature: req.headers['x-yinong-signature'] }, raw, 300);
      if (refuseNext > 0) {
        refuseNext--;
        res.statusCode = 503;
        return res.end('busy');
      }
      received.push({ body: raw.toString('utf8'), verified: verdict.ok });
      res.statusCode = verdict.ok ? 200 : 401;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => province.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(province.address() as AddressInfo).port}/yinong`;
  t = await servicesApp({ EXCHANGE_TOKEN: TOKEN, EXCHANGE_SECRET: SECRET, EXCHANGE_PUSH_URL: url, JOBS_EXCHANGE_PUSH_SCHEDULE: '0 0 1 1 *' });
  // some service: a price answered, a question escalated, by SMS and by web
  const sms = await findOrCreateConversation(t.db.pool, { channel: 'sms', phone: '13905370401' });
  await t.say({ conversationId: sms.id, text: '金乡大蒜今天啥价' });
  await t.say({ conversationId: sms.id, text: '转人工' });
  await t.say({ conversationId: sms.id, text: '俺家羊咳嗽流鼻涕咋治，叫王大明，电话13905370401' });
  const web = await findOrCreateConversation(t.db.pool, { channel: 'web', webId: 'exchange-web-1' });
  await t.say({ conversationId: web.id, text: '你好' });
});
afterAll(async () => {
  await t?.close();
  await new Promise((r) => province?.close(r));
});

describe('pull: GET /api/v1/exchange/v1/...', () => {
  it('refuses a missing or wrong token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/exchange/v1/service-records' })).statusCode).toBe(401);
    const wrong = await t.app.inject({ method: 'GET', url: '/api/v1/exchange/v1/service-records', headers: { authorization: 'Bearer not-the-token-0123456789' } });
    expect(wrong.statusCode).toBe(401);
  });

  it('pages service records by cursor, with no phone and no name in them', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/exchange/v1/service-records?limit=2', headers: pull });
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json();
    expect(page1.version).toBe(1);
    expect(page1.records).toHaveLength(2);
    const second = await t.app.inject({ method: 'GET', url: `/api/v1/exchange/v1/service-records?limit=100&cursor=${page1.nextCursor}`, headers: pull });
    const page2 = second.json();
    const all = [...page1.records, ...page2.records];
    expect(new Set(all.map((r: { id: string }) => r.id)).size).toBe(all.length);
    expect(all.map((r: { channel: string }) => r.channel)).toEqual(expect.arrayContaining(['sms', 'web']));
    expect(all.some((r: { outcome: string }) => r.outcome === 'escalated')).toBe(true);
    expect(all.find((r: { category: string }) => r.category === 'price')).toMatchObject({ outcome: 'answered', channel: 'sms' });
    const text = first.body + second.body;
    expect(text).not.toContain('13905370401');
    expect(text).not.toContain('王大明');
    expect(text).not.toContain('羊咳嗽');
    // the last page still hands back a cursor to poll from; nothing new after it
    const third = await t.app.inject({ method: 'GET', url: `/api/v1/exchange/v1/service-records?cursor=${page2.nextCursor}`, headers: pull });
    expect(third.json().records).toEqual([]);
    const forged = await t.app.inject({ method: 'GET', url: '/api/v1/exchange/v1/service-records?cursor=eyJ2IjoxLCJhZnRlciI6IjsgRFJPUCJ9', headers: pull });
    expect(forged.statusCode).toBe(400);
  });

  it('gives roll-out progress per county', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/exchange/v1/progress', headers: pull });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().counties).toHaveLength(11);
    expect(res.json().counties.find((c: { county: string }) => c.county === '金乡县')).toMatchObject({ machineryPosts: expect.any(Number), trainings: expect.any(Number) });
  });
});

describe('inbound notices: POST /api/v1/exchange/v1/notices', () => {
  const notice = {
    version: 1, id: 'sd-nyt-2026-118', title: '关于做好2026年冬小麦冻害防御工作的通知', source: '山东省农业农村厅 鲁农字〔2026〕118号',
    issuedAt: '2026-11-25', content: '各市农业农村局：近期有强降温过程，请指导农户适时镇压划锄、浇越冬水，防御冬小麦冻害。',
  };
  const send = (body: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/exchange/v1/notices', headers: { 'content-type': 'application/json', ...headers }, payload: body });

  it('stores a signed notice in the knowledge base with its source, once', async () => {
    const body = JSON.stringify(notice);
    const res = await send(body, signedHeaders(SECRET, body));
    expect(res.statusCode, res.body).toBe(201);
    const again = await send(body, signedHeaders(SECRET, body));
    expect(again.json().status).toBe('unchanged');
    const { rows } = await t.db.pool.query(`SELECT title, source, category FROM kb_documents WHERE id = $1`, [res.json().id]);
    expect(rows[0]).toMatchObject({ title: notice.title, category: 'policy' });
    expect(rows[0].source).toContain('鲁农字〔2026〕118号');
    const hits = await t.knowledge.retriever.search('冬小麦冻害防御 浇越冬水', { limit: 3 });
    expect(hits.map((h) => h.title)).toContain(notice.title);
  });

  it('refuses a stale, a forged or an unsigned notice, storing nothing', async () => {
    const body = JSON.stringify({ ...notice, id: 'sd-nyt-2026-119', title: '伪造的通知' });
    const stale = await send(body, signedHeaders(SECRET, body, Date.now() - 3600_000));
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.message).toContain('过期');
    const forged = await send(body, signedHeaders('someone-else-secret-0123456789', body));
    expect(forged.statusCode).toBe(401);
    const tampered = await send(body.replace('伪造', '篡改'), signedHeaders(SECRET, body));
    expect(tampered.statusCode).toBe(401);
    expect((await send(body, {})).statusCode).toBe(401);
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM kb_documents WHERE title IN ('伪造的通知', '篡改的通知')`);
    expect(rows[0].n).toBe(0);
    const bad = JSON.stringify({ ...notice, source: '' });
    expect((await send(bad, signedHeaders(SECRET, bad))).statusCode).toBe(400);
  });
});

describe('push: signed, retried through the outbox', () => {
  it('queues new records once, retries a refused batch, and the province can verify every push', async () => {
    const scheduler = createScheduler({ config: t.config, db: t.db, knowledge: t.knowledge, outbox: t.outbox });
    const first = await scheduler.runNow('exchange-push');
    expect(first).toMatchObject({ outcome: 'succeeded', counts: { queued: 1, sent: 0, failed: 1 } });
    const { rows: [row] } = await t.db.pool.query(`SELECT attempts, last_error, next_attempt_at, sent_at FROM exchange_outbox`);
    expect(row).toMatchObject({ attempts: 1, last_error: 'HTTP 503', sent_at: null });
    // due again once the back-off has passed
    await t.db.pool.query(`UPDATE exchange_outbox SET next_attempt_at = now() - interval '1 second'`);
    const second = await scheduler.runNow('exchange-push');
    expect(second).toMatchObject({ outcome: 'succeeded', counts: { queued: 0, sent: 1, failed: 0 } });
    expect(received).toHaveLength(1);
    expect(received[0].verified).toBe(true);
    const pushed = JSON.parse(received[0].body);
    expect(pushed).toMatchObject({ version: 1, kind: 'service-records' });
    expect(pushed.records.length).toBeGreaterThanOrEqual(4);
    expect(received[0].body).not.toContain('13905370401');
    // nothing new: nothing queued, nothing sent twice
    expect(await scheduler.runNow('exchange-push')).toMatchObject({ counts: { queued: 0, sent: 0 } });
    expect(received).toHaveLength(1);
    await scheduler.stop(1000);
  });
});
