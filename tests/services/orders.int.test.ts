import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrCreateConversation } from '../../src/conversations/store.ts';
import type { Message } from '../../src/conversations/types.ts';
import type { TestContext } from '../helpers/app.ts';
import { adminAuth, events, officer, outbox, servicesApp } from './helpers.ts';

let t: TestContext;
let zoucheng: { authorization: string };
let jiaxiang: { authorization: string };
beforeAll(async () => {
  t = await servicesApp({}, { sms: true });
  zoucheng = await officer(t, { username: 'zc-officer', county: '邹城市', village: '前岭村', name: '邹城信息员' });
  jiaxiang = await officer(t, { username: 'jx2-officer', county: '嘉祥县', name: '嘉祥信息员' });
});
afterAll(async () => {
  await t?.close();
});

const setStatus = (id: string, headers: Record<string, string>, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/v1/orders/${id}/status`, headers, payload });

describe('代购 through the API', () => {
  it('records an order for a farmer, queues it for the county, and tells the farmer by SMS at each change', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: zoucheng, payload: { phone: '13905370101', items: '两袋复合肥，要45%的' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ id: expect.any(String), status: 'requested' });
    const id = res.json().id;

    const queue = await t.app.inject({ method: 'GET', url: '/api/v1/orders?status=requested', headers: zoucheng });
    expect(queue.json().orders).toEqual([expect.objectContaining({ id, items: '两袋复合肥，要45%的', quantity: 2, unit: '袋', stationName: '峄山镇前岭村益农信息社', county: '邹城市' })]);
    // another county's officer sees none of it and may not touch it
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: jiaxiang })).json().orders).toEqual([]);
    expect((await setStatus(id, jiaxiang, { status: 'confirmed', price: '130元/袋' })).statusCode).toBe(403);

    // the price is the officer's: confirming without one is refused, and nothing changes
    const noPrice = await setStatus(id, zoucheng, { status: 'confirmed' });
    expect(noPrice.statusCode).toBe(400);
    expect(noPrice.json().error.message).toContain('价格');
    const confirmed = await setStatus(id, zoucheng, { status: 'confirmed', price: '130元/袋' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', price: '130元/袋', told: { message: false, sms: 1 } });
    // out of order: confirmed cannot jump to collected
    expect((await setStatus(id, zoucheng, { status: 'collected' })).statusCode).toBe(409);
    expect((await setStatus(id, zoucheng, { status: 'arrived' })).statusCode).toBe(200);
    expect((await setStatus(id, zoucheng, { status: 'collected' })).statusCode).toBe(200);
    expect((await setStatus(id, zoucheng, { status: 'cancelled' })).statusCode).toBe(409);

    const texts = await outbox(t, '13905370101');
    expect(texts).toHaveLength(4);
    expect(texts[0]).toContain('已登记');
    expect(texts[1]).toContain('价格130元/袋');
    expect(texts[2]).toContain('已到峄山镇前岭村益农信息社');
    expect(texts[3]).toContain('已取走');
    const trail = await events(t, id);
    expect(trail.map((e) => e.action)).toEqual(['requested', 'confirmed', 'arrived', 'collected']);
    expect(trail.every((e) => e.actor_name === '邹城信息员' && e.at instanceof Date)).toBe(true);
  });

  it('refuses an order without an amount, a bad phone, an unknown station', async () => {
    const bad = async (payload: Record<string, unknown>, words: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/orders', headers: adminAuth, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message).toContain(words);
    };
    await bad({ phone: '13905370102', items: '复合肥', county: '邹城市' }, '要多少');
    await bad({ phone: '12345', items: '两袋复合肥', county: '邹城市' }, '手机号有误');
    await bad({ phone: '13905370102', items: '两袋复合肥', station: '不存在的信息社' }, '没有叫');
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM orders WHERE phone = '13905370102'`)).rows[0].n).toBe(0);
    expect((await setStatus('00000000-0000-4000-8000-000000000000', adminAuth, { status: 'arrived' })).statusCode).toBe(404);
  });
});

describe('代购 by chat: the farmer is told on their own channel', () => {
  it('web-chat: the change lands in the farmer’s conversation, live', async () => {
    const conversation = await findOrCreateConversation(t.db.pool, { channel: 'web', webId: 'web-orders-test-1' });
    const ask = (text: string) => t.say({ conversationId: conversation.id, text });
    expect((await ask('帮俺代购五袋尿素，邹城峄山镇前岭村')).replies[0].text).toContain('手机号');
    const saved = await ask('13905370103');
    expect(saved.replies[0].text).toContain('已登记代购');
    const [order] = (await t.app.inject({ method: 'GET', url: '/api/v1/orders?status=requested', headers: zoucheng })).json().orders
      .filter((o: { phone: string }) => o.phone === '13905370103');
    expect(order).toMatchObject({ channel: 'web', items: '五袋尿素', quantity: 5 });

    const live: Message[] = [];
    const stop = t.events.subscribe(conversation.id, (m) => live.push(m));
    const res = await setStatus(order.id, zoucheng, { status: 'confirmed', price: '95元/袋', note: '周三到' });
    stop();
    expect(res.json().told).toEqual({ message: true, sms: 0 });
    expect(live.map((m) => m.text)).toEqual([expect.stringContaining('价格95元/袋')]);
    expect(await outbox(t, '13905370103')).toEqual([]);
    // "俺的化肥到了没" answers from the order
    const status = await ask('俺的尿素到了没');
    expect(status.replies[0].text).toContain('已确认');
    expect(status.replies[0].text).toContain('95元/袋');
  });

  it('SMS: the change goes to the farmer’s phone in their SMS conversation', async () => {
    const conversation = await findOrCreateConversation(t.db.pool, { channel: 'sms', phone: '13905370104' });
    const first = await t.say({ conversationId: conversation.id, text: '帮俺代购复合肥，嘉祥县纸坊镇东庄村' });
    expect(first.replies[0].text).toContain('要多少');
    expect((await t.say({ conversationId: conversation.id, text: '三袋' })).replies[0].text).toContain('已登记代购');
    const [order] = (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: jiaxiang })).json().orders;
    expect(order).toMatchObject({ channel: 'sms', phone: '13905370104', quantity: 3, stationName: '纸坊镇东庄村益农信息社' });
    await setStatus(order.id, jiaxiang, { status: 'cancelled', note: '缺货' });
    expect((await outbox(t, '13905370104')).at(-1)).toContain('已取消。原因：缺货');
  });
});
