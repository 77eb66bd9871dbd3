import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';

const INTEGRATION = 'integration-token-0123456789';
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ INTEGRATION_TOKENS: INTEGRATION }, { seed: true, clock: () => DEMO_NOW });
});
afterAll(async () => {
  await t?.close();
});

const send = (payload: unknown, headers: Record<string, string> = adminAuth) =>
  t.app.inject({ method: 'POST', url: '/api/v1/messages', headers, payload: payload as object });

describe('POST /api/v1/messages', () => {
  it('answers a farmer with intent, confidence and citations', async () => {
    const res = await send({ text: '金乡大蒜今天啥价', from: { phone: '13800138001' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.replies).toHaveLength(1);
    expect(body.replies[0]).toMatchObject({ intent: 'price', escalated: false });
    expect(body.replies[0].confidence).toBeGreaterThan(0.5);
    expect(body.replies[0].citations[0]).toMatchObject({ documentId: 'table:prices', title: expect.stringContaining('价格') });
  });

  it('keeps one conversation per phone, with context across turns', async () => {
    const first = (await send({ text: '大蒜多少钱一斤', from: { phone: '+86 138-0013-8002' } })).json();
    const second = (await send({ text: '昨天呢？', from: { phone: '13800138002' } })).json();
    expect(second.conversationId).toBe(first.conversationId);
    expect(second.replies[0].intent).toBe('price');
  });

  it('escalates what it cannot answer and returns the ticket id', async () => {
    const body = (await send({ text: '俺家猪不吃食还发烧咋整', from: { webId: 'device-abcdef12' } })).json();
    expect(body.replies[0]).toMatchObject({ escalated: true, ticketId: expect.any(String) });
    const { rows } = await t.db.pool.query('SELECT question, category FROM escalations WHERE id = $1', [body.replies[0].ticketId]);
    expect(rows[0]).toEqual({ question: '俺家猪不吃食还发烧咋整', category: '兽医' });
  });

  it('answers a resent message once', async () => {
    const payload = { text: '谢谢', from: { phone: '13800138003' }, messageId: 'client-42' };
    const a = (await send(payload)).json();
    const b = (await send(payload)).json();
    expect(b.duplicate).toBe(true);
    expect(b.replies.map((r: { id: string }) => r.id)).toEqual(a.replies.map((r: { id: string }) => r.id));
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [a.conversationId]);
    expect(rows[0].n).toBe(2);
  });

  it('lets an integration token in, and lists a conversation\'s later messages', async () => {
    const auth = { authorization: `Bearer ${INTEGRATION}` };
    const body = (await send({ text: '小麦条锈病咋防治', from: { phone: '13800138004' } }, auth)).json();
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/conversations/${body.conversationId}/messages`, headers: auth });
    expect(res.statusCode).toBe(200);
    const messages = res.json().messages;
    expect(messages.map((m: { author: string }) => m.author)).toEqual(['farmer', 'bot']);
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/conversations/${body.conversationId}/messages?after=${messages[1].id}`, headers: auth });
    expect(after.json().messages).toEqual([]);
  });

  it('keeps a 代问 answer in the farmer\'s own conversation', async () => {
    const body = (await send({ text: '金乡大蒜今天啥价', onBehalfOf: { phone: '13800138005' } })).json();
    expect(body.replies[0].intent).toBe('price');
    const { rows } = await t.db.pool.query('SELECT farmer_phone FROM conversations WHERE id = $1', [body.conversationId]);
    expect(rows[0].farmer_phone).toBe('13800138005');
  });
});

describe('bad input gets a clear 4xx or a clear reply, never a 5xx', () => {
  it('rejects a missing or wrong token', async () => {
    expect((await send({ text: 'x', from: { phone: '13800138000' } }, {})).statusCode).toBe(401);
    expect((await send({ text: 'x', from: { phone: '13800138000' } }, { authorization: 'Bearer wrong' })).statusCode).toBe(401);
  });

  it.each([
    ['no sender', { text: '你好' }, /from\.phone/],
    ['a phone that is not one', { text: '你好', from: { phone: '12345' } }, /手机号|电话/],
    ['a text over the limit', { text: '麦'.repeat(10_000), from: { phone: '13800138000' } }, /最多 2000 个字/],
    ['no text', { from: { phone: '13800138000' } }, /text/],
    ['a bad webId', { text: '你好', from: { webId: 'x' } }, /webId/],
  ])('%s', async (_name, payload, message) => {
    const res = await send(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(message);
  });

  it('answers 404 for an unknown conversation id', async () => {
    const res = await send({ text: '你好', conversationId: '00000000-0000-4000-8000-000000000000' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/会话/);
  });

  it('answers empty text, emoji and binary garbage with a clear reply', async () => {
    for (const text of ['', '🙂🙂', '\u0000\u0001\ufffd\ufffd']) {
      const res = await send({ text, from: { phone: '13800138009' } });
      expect(res.statusCode).toBe(200);
      expect(res.json().replies[0]).toMatchObject({ intent: 'unknown', escalated: false });
    }
  });

  it('refuses 代问 from an integration token', async () => {
    const res = await send({ text: '小麦', onBehalfOf: { phone: '13800138005' } }, { authorization: `Bearer ${INTEGRATION}` });
    expect(res.statusCode).toBe(403);
  });
});
