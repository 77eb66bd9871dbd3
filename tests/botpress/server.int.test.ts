import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/webhooks/signature.ts';
import { insertMessage } from '../../src/conversations/store.ts';
import { withTransaction } from '../../src/db/pool.ts';
import { queueIntegrationMessage } from '../../src/integrations/outbox.ts';
import { DEFAULT_DELIVERY_OPTIONS, IntegrationDeliveryWorker } from '../../src/integrations/worker.ts';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';

// The server side of integrations on its own: the integration API's refusals, and the delivery outbox
// against a plain receiver that checks signatures and answers what a test tells it to.

const TOKENS = ['integration-token-one-0123456789', 'integration-token-two-0123456789'];
const one = { authorization: `Bearer ${TOKENS[0]}` };
const two = { authorization: `Bearer ${TOKENS[1]}` };
let t: TestContext;
let receiver: Server;
let receiverUrl = '';
const received: { id: string; body: any; verified: boolean }[] = [];
let answer = 200;
let secret = '';
let webhookId = '';

beforeAll(async () => {
  t = await createTestApp({ INTEGRATION_TOKENS: TOKENS.join(',') });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const verdict = verifySignature(secret, { timestamp: req.headers['x-yinong-timestamp'], signature: req.headers['x-yinong-signature'] }, raw, 300);
      received.push({ id: String(req.headers['x-yinong-event-id']), body: JSON.parse(raw.toString('utf8')), verified: verdict.ok });
      res.writeHead(answer).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
}, 300_000);

afterAll(async () => {
  await new Promise((r) => receiver?.close(r));
  await t?.close();
});

const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

describe('the integration API', () => {
  it('registers a webhook once per URL and refuses what it cannot use, in plain Chinese', async () => {
    expect((await api('PUT', '/api/v1/integration/webhook', {}, { url: receiverUrl })).statusCode).toBe(401);
    const bad = await api('PUT', '/api/v1/integration/webhook', one, { url: 'ftp://example.org/x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/http/);
    const short = await api('PUT', '/api/v1/integration/webhook', one, { url: receiverUrl, secret: 'short' });
    expect(short.json().error.message).toMatch(/secret 至少 32 个字符/);
    const noOwner = await api('PUT', '/api/v1/integration/webhook', adminAuth, { url: receiverUrl });
    expect(noOwner.statusCode).toBe(400);
    const first = (await api('PUT', '/api/v1/integration/webhook', one, { url: receiverUrl })).json();
    const again = (await api('PUT', '/api/v1/integration/webhook', one, { url: receiverUrl, label: '县里的机器人' })).json();
    expect(again).toMatchObject({ id: first.id, secret: first.secret, integration: 'integration-1', label: '县里的机器人' });
    webhookId = first.id;
    secret = first.secret;
    const list = (await api('GET', '/api/v1/integration/webhooks', two)).json();
    expect(list.webhooks).toEqual([]);
  });

  it('another integration cannot use the webhook, and bad handoffs are refused without a trace', async () => {
    const body = { webhookId, externalId: 'bp-conv-1', webId: 'bp-farmer-0001', title: '玉米叶子发黄' };
    const other = await api('POST', '/api/v1/integration/handoffs', two, body);
    expect(other.statusCode).toBe(404);
    const empty = await api('POST', '/api/v1/integration/handoffs', one, { ...body, title: '\u0000  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/title/);
    const phone = await api('POST', '/api/v1/integration/handoffs', one, { ...body, phone: '12345' });
    expect(phone.statusCode).toBe(400);
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM tickets');
    expect(rows[0].n).toBe(0);
  });

  it('a handoff keeps hostile text harmless, is made once, and refuses messages after it closed', async () => {
    const body = {
      webhookId, externalId: 'bp-conv-2', webId: 'bp-farmer-0002', title: '猪\u0000不吃食\uD800',
      transcript: [{ from: 'farmer', text: '猪不吃食' }], category: '畜牧',
    };
    const first = await api('POST', '/api/v1/integration/handoffs', one, body);
    expect(first.statusCode, first.body).toBe(200);
    const again = (await api('POST', '/api/v1/integration/handoffs', one, body)).json();
    expect(again).toMatchObject({ ticketId: first.json().ticketId, duplicate: true });
    const { rows } = await t.db.pool.query('SELECT question, category FROM tickets WHERE id = $1', [first.json().ticketId]);
    expect(rows[0]).toMatchObject({ category: '畜牧' });
    // NUL dropped; the broken character (a replacement mark by the time it is parsed) is dropped too.
    expect(rows[0].question).toMatch(/^猪不吃食\n/);
    expect(rows[0].question.isWellFormed()).toBe(true);
    const id = first.json().ticketId;
    const msg = { webhookId, text: '还拉稀', messageId: 'bp-msg-1' };
    expect((await api('POST', `/api/v1/integration/handoffs/${id}/messages`, one, msg)).json()).toMatchObject({ duplicate: false });
    expect((await api('POST', `/api/v1/integration/handoffs/${id}/messages`, one, msg)).json()).toMatchObject({ duplicate: true });
    expect((await api('POST', `/api/v1/integration/handoffs/${id}/close`, one, { webhookId })).json()).toMatchObject({ status: 'closed' });
    expect((await api('POST', `/api/v1/integration/handoffs/${id}/close`, one, { webhookId })).json()).toMatchObject({ status: 'closed' });
    const late = await api('POST', `/api/v1/integration/handoffs/${id}/messages`, one, { webhookId, text: '在吗' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toMatch(/已经结束/);
  });
});

describe('the delivery outbox', () => {
  const worker = () => new IntegrationDeliveryWorker(t.db.pool, { ...DEFAULT_DELIVERY_OPTIONS, pollMs: 30, retryBaseMs: 30, retryMaxMs: 100, maxAttempts: 3 });

  async function linkedConversation(externalId: string): Promise<string> {
    const res = await api('POST', '/api/v1/integration/conversations', one, { webhookId, externalId, webId: `bp-${externalId}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().conversationId;
  }

  async function waitFor(probe: () => Promise<boolean>): Promise<void> {
    const end = Date.now() + 10_000;
    while (!(await probe())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const statusOf = async (id: string) => (await t.db.pool.query('SELECT status, attempts, last_status FROM integration_outbox WHERE id = $1', [id])).rows[0];

  it('queues a message once however often it is queued, and delivers it signed with its event id', async () => {
    received.length = 0;
    answer = 200;
    const conversationId = await linkedConversation('bp-chat-1');
    const ids = await withTransaction(t.db.pool, async (q) => {
      const { message } = await insertMessage(q, { conversationId, author: 'expert', text: '可以用' });
      return [await queueIntegrationMessage(q, { id: conversationId }, message), await queueIntegrationMessage(q, { id: conversationId }, message)];
    });
    expect(ids[0]).toBeTruthy();
    expect(ids[1]).toBeUndefined();
    const w = worker();
    w.start();
    await waitFor(async () => (await statusOf(ids[0]!)).status === 'sent');
    await w.stop();
    // (the closed handoff above had its ticket.closed queued for the same webhook too)
    const mine = received.filter((r) => r.id === ids[0]);
    expect(mine).toHaveLength(1);
    expect(received.every((r) => r.verified)).toBe(true);
    expect(mine[0].body).toMatchObject({ id: ids[0], type: 'message', conversation: { id: conversationId, kind: 'chat', externalId: 'bp-chat-1' }, message: { text: '可以用' } });
  });

  it('a receiver refusing the event (4xx) fails it at once; a broken one is retried until attempts run out', async () => {
    const conversationId = await linkedConversation('bp-chat-2');
    const queue = (text: string) => withTransaction(t.db.pool, async (q) => {
      const { message } = await insertMessage(q, { conversationId, author: 'expert', text });
      return (await queueIntegrationMessage(q, { id: conversationId }, message))!;
    });
    answer = 410;
    const refused = await queue('第一条');
    const w = worker();
    w.start();
    await waitFor(async () => (await statusOf(refused)).status === 'failed');
    expect(await statusOf(refused)).toEqual({ status: 'failed', attempts: 1, last_status: 410 });
    answer = 502;
    const broken = await queue('第二条');
    await waitFor(async () => (await statusOf(broken)).status === 'failed');
    await w.stop();
    expect(await statusOf(broken)).toEqual({ status: 'failed', attempts: 3, last_status: 502 });
  });

  it('a delivery whose worker died mid-request is taken over when its lease ends', async () => {
    answer = 200;
    const conversationId = await linkedConversation('bp-chat-3');
    const id = await withTransaction(t.db.pool, async (q) => {
      const { message } = await insertMessage(q, { conversationId, author: 'expert', text: '接着说' });
      return (await queueIntegrationMessage(q, { id: conversationId }, message))!;
    });
    await t.db.pool.query(
      `UPDATE integration_outbox SET status = 'sending', attempts = 1, claimed_by = 'dead-worker', lease_until = now() - interval '1 second' WHERE id = $1`, [id]);
    const w = worker();
    w.start();
    await waitFor(async () => (await statusOf(id)).status === 'sent');
    await w.stop();
    expect(w.stats.recovered).toBe(1);
    expect((await statusOf(id)).attempts).toBe(2);
  });
});
