import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { findOrCreateConversation } from '../../src/conversations/store.ts';
import { adminAuth } from '../helpers/app.ts';
import { startServer, type LiveServer } from '../webchat/client.ts';
import { launchChromium, PHONE, SCREENSHOTS } from './browser.ts';

// An officer runs the station's services from the chat page's officer mode, in real headless Chromium.
let s: LiveServer;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  [s, browser] = await Promise.all([startServer(), launchChromium()]);
  const created = await s.app.inject({
    method: 'POST', url: '/api/v1/users', headers: adminAuth,
    payload: { username: 'li-e2e', password: 'Xinxiyuan-2024!', role: 'officer', name: '李信息员', counties: ['邹城市'], village: '前岭村' },
  });
  expect(created.statusCode, created.body).toBe(201);
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await s?.close();
});

describe('an officer in officer mode', () => {
  it('confirms a farmer’s 代购 with a price, marks it arrived, and arranges a training and records who came', async () => {
    // a farmer asks by SMS
    const sms = await findOrCreateConversation(s.db.pool, { channel: 'sms', phone: '13905370501' });
    const asked = await s.say({ conversationId: sms.id, text: '帮俺代购两袋复合肥，邹城市峄山镇前岭村' });
    expect(asked.replies[0].text).toContain('已登记代购');

    context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(s.base);
    await page.getByRole('button', { name: '信息员登录' }).click();
    await page.getByLabel('用户名').fill('li-e2e');
    await page.getByLabel('密码').fill('Xinxiyuan-2024!');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('#officer-bar').filter({ hasText: '李信息员' }).waitFor();

    await page.getByRole('button', { name: '站点服务' }).click();
    const card = page.locator('#orders-list .svc-card').filter({ hasText: '两袋复合肥' });
    await card.waitFor();
    expect(await card.textContent()).toContain('等确认');
    // no price: the page says so and nothing is sent
    await card.getByRole('button', { name: '确认' }).click();
    await page.locator('#services-error').filter({ hasText: '价格' }).waitFor();
    await card.getByLabel('价格').fill('130元/袋');
    await card.getByRole('button', { name: '确认' }).click();
    await page.locator('#orders-list .svc-card').filter({ hasText: '已确认' }).filter({ hasText: '130元/袋' }).waitFor();
    await page.locator('#orders-list .svc-card').filter({ hasText: '两袋复合肥' }).getByRole('button', { name: '到货了' }).click();
    await page.locator('#orders-list .svc-card').filter({ hasText: '已到货' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'services-orders-360x740.png') });

    const { rows } = await s.db.pool.query<{ text: string }>(`SELECT text FROM sms_outbox WHERE phone = '13905370501' ORDER BY created_at, seq`);
    expect(rows.map((r) => r.text).join('\n')).toMatch(/价格130元\/袋[\s\S]*已到峄山镇前岭村益农信息社/);
    const order = await s.say({ conversationId: sms.id, text: '俺的复合肥到了没' });
    expect(order.replies[0].text).toContain('已到货');

    // a training: arranged on the page, a farmer signs up by SMS, the officer records attendance
    await page.getByRole('tab', { name: '培训' }).click();
    expect(await page.getByLabel('县（市、区）').inputValue()).toBe('邹城市');
    await page.getByLabel('主题').fill('智能手机入门');
    await page.getByLabel('地点').fill('峄山镇前岭村益农信息社');
    const start = new Date(Date.now() + 3 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    await page.getByLabel('时间').fill(`${start}T09:00`);
    await page.getByLabel('名额').fill('20');
    await page.getByRole('button', { name: '安排培训' }).click();
    const training = page.locator('#trainings-list .svc-card').filter({ hasText: '智能手机入门' });
    await training.waitFor();
    expect(await training.textContent()).toContain('09:00');

    const farmer = await findOrCreateConversation(s.db.pool, { channel: 'sms', phone: '13905370502' });
    const list = await s.say({ conversationId: farmer.id, text: '邹城峄山镇最近有啥培训' });
    expect(list.replies[0].text).toContain('智能手机入门');
    const n = list.replies[0].text.split('\n').findIndex((l: string) => l.includes('智能手机入门'));
    const seat = await s.say({ conversationId: farmer.id, text: `报名${n}` });
    expect(seat.replies[0].text).toContain('智能手机入门');
    expect(seat.replies[0].text).toContain('座位号是 1 号');

    await page.getByRole('tab', { name: '代购订单' }).click();
    await page.getByRole('tab', { name: '培训' }).click();
    const refreshed = page.locator('#trainings-list .svc-card').filter({ hasText: '智能手机入门' }).filter({ hasText: '已报 1/20' });
    await refreshed.getByRole('button', { name: '名单和到场' }).click();
    await refreshed.getByLabel(/1号 13905370502/).check();
    await refreshed.getByRole('button', { name: '保存到场' }).click();
    await page.locator('#trainings-list .svc-card').filter({ hasText: '到场 1' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'services-trainings-360x740.png') });
    const { rows: events } = await s.db.pool.query(`SELECT entity, action, actor_name FROM service_events ORDER BY id`);
    expect(events).toEqual(expect.arrayContaining([
      expect.objectContaining({ entity: 'order', action: 'confirmed', actor_name: '李信息员' }),
      expect.objectContaining({ entity: 'training', action: 'attendance', actor_name: '李信息员' }),
    ]));
    expect(errors).toEqual([]);
  }, 90_000);
});
