import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMessage } from '../../src/conversations/store.ts';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { newDeviceId } from './client.ts';

// The HTTP fallback for networks that block WebSockets: the same thread, the same de-duplication.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ WEBCHAT_RATE_PER_CONNECTION: '4', WEBCHAT_POLL_WAIT_SECONDS: '5' }, { seed: true });
});
afterAll(async () => {
  await t?.close();
});

const send = (body: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/webchat/api/send', payload: body, headers });
const poll = (query: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: `/webchat/api/poll?${query}`, headers });

describe('POST /webchat/api/send', () => {
  it('answers in the response, and a resend is answered once', async () => {
    const deviceId = newDeviceId();
    const first = await send({ deviceId, clientId: 'h1', text: '小麦条锈病咋防治' });
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.ack).toMatchObject({ clientId: 'h1', duplicate: false, conversationId: body.conversationId });
    expect(body.messages.map((m: { author: string }) => m.author)).toEqual(['farmer', 'bot']);
    expect(body.messages[1].citations.length).toBeGreaterThan(0);

    const again = (await send({ deviceId, clientId: 'h1', text: '小麦条锈病咋防治' })).json();
    expect(again.ack).toMatchObject({ messageId: body.ack.messageId, duplicate: true });
    expect(again.messages.map((m: { id: string }) => m.id)).toEqual(body.messages.map((m: { id: string }) => m.id));
  });

  it('refuses bad input with a message a person can act on', async () => {
    const cases: [object, RegExp][] = [
      [{ deviceId: 'x', clientId: 'a', text: '你好' }, /deviceId/],
      [{ deviceId: newDeviceId(), text: '你好' }, /clientId/],
      [{ deviceId: newDeviceId(), clientId: 'a', text: '字'.repeat(2001) }, /2000/],
    ];
    for (const [payload, message] of cases) {
      const res = await send(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    const huge = await send({ deviceId: newDeviceId(), clientId: 'a', text: 'x'.repeat(20_000) });
    expect(huge.statusCode).toBe(413);
  });

  it('rate-limits a device with 429, Retry-After and a polite message', async () => {
    const deviceId = newDeviceId();
    for (let i = 0; i < 4; i++) expect((await send({ deviceId, clientId: `r${i}`, text: '你好' })).statusCode).toBe(200);
    const res = await send({ deviceId, clientId: 'r4', text: '你好' });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/秒后再发/) });
  });

  it('refuses a forged token (401) and pages of other sites (403)', async () => {
    const forged = await send({ deviceId: newDeviceId(), clientId: 'f', text: '你好' }, { authorization: 'Bearer forged-0123456789abcdef' });
    expect(forged.statusCode).toBe(401);
    const foreign = await send({ deviceId: newDeviceId(), clientId: 'f', text: '你好' }, { origin: 'https://evil.example.com' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('origin_not_allowed');
  });
});

describe('GET /webchat/api/poll', () => {
  it('returns what came after the given id, and waits for an expert answer when there is nothing yet', async () => {
    const deviceId = newDeviceId();
    const sent = (await send({ deviceId, clientId: 'p1', text: '俺家鸵鸟不吃食还咳嗽咋整' })).json();
    const reply = sent.messages[1];
    expect(reply).toMatchObject({ escalated: true, ticketId: expect.any(String) });

    const all = (await poll(`deviceId=${deviceId}&wait=0`)).json();
    expect(all.messages.map((m: { id: string }) => m.id)).toEqual([sent.ack.messageId, reply.id]);
    expect(all.role).toBe('farmer');

    const started = Date.now();
    const waiting = poll(`deviceId=${deviceId}&after=${reply.id}&wait=5`);
    setTimeout(async () => {
      const { message } = await insertMessage(t.db.pool, { conversationId: sent.conversationId, author: 'expert', text: '先隔离，请兽医上门。' });
      t.events.publish(message);
    }, 300);
    const later = (await waiting).json();
    expect(Date.now() - started).toBeLessThan(4000);
    expect(later.messages).toHaveLength(1);
    expect(later.messages[0]).toMatchObject({ author: 'expert', text: '先隔离，请兽医上门。' });
  });

  it('officers read a farmer’s record; farmers may not', async () => {
    const officer = (await send({ deviceId: newDeviceId(), clientId: 'o1', text: '代问 13905370002 大蒜多少钱一斤' }, adminAuth)).json();
    expect(officer.messages[1]).toMatchObject({ onBehalfOf: '13905370002' });
    const history = await t.app.inject({ method: 'POST', url: '/webchat/api/history', payload: { phone: '13905370002' }, headers: adminAuth });
    expect(history.statusCode).toBe(200);
    const record = history.json().messages;
    // The officer's question and its answer, then the farmer's SMS copy of the answer.
    expect(record.slice(0, 2).map((m: { id: string }) => m.id)).toEqual(officer.messages.map((m: { id: string }) => m.id));
    expect(record[2]).toMatchObject({ author: 'bot', channel: 'sms' });
    const anonymous = await t.app.inject({ method: 'POST', url: '/webchat/api/history', payload: { phone: '13905370002' } });
    expect(anonymous.statusCode).toBe(401);
    // The phone is no longer taken from the URL, where every access log line would carry it.
    const inUrl = await t.app.inject({ method: 'GET', url: '/webchat/api/history?phone=13905370002', headers: adminAuth });
    expect(inUrl.statusCode).toBe(404);
  });
});
