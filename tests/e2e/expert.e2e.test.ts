import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ALWAYS, ask, person, type Person } from '../escalation/people.ts';
import { startServer, type LiveServer } from '../webchat/client.ts';
import { launchChromium, SCREENSHOTS } from './browser.ts';

// The experts' console at /expert in real headless Chromium: sign in, open the ticket the assistant handed
// over, answer the farmer; a wrong password and an ended session are said on the page.
let s: LiveServer;
let browser: Browser;
let expert: Person;
const contexts: BrowserContext[] = [];
const errors: string[] = [];
const QUESTION = '金乡县家里的蓝莓叶子发红怎么回事';
const ANSWER = '蓝莓叶子发红多半是土壤偏碱或缺铁。先测土壤酸碱度，pH高于5.5就每株浇硫酸亚铁水。';

beforeAll(async () => {
  [s, browser] = await Promise.all([startServer(), launchChromium()]);
  expert = await person(s, { username: 'jingji_e2e', role: 'expert', name: '金乡经作专家', phone: '13900000201', specialties: ['经济作物'], counties: ['金乡'], ...ALWAYS });
}, 300_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await s?.close();
});

async function open(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(`${s.base}/expert`);
  return page;
}

async function signIn(page: Page, password: string): Promise<void> {
  await page.getByLabel('用户名').fill(expert.username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

describe('the experts’ console', { timeout: 120_000 }, () => {
  it('says a wrong password on the page', async () => {
    const page = await open();
    await signIn(page, 'not-the-password');
    await page.locator('#login-error').filter({ hasText: /\S/ }).waitFor();
    expect(await page.locator('#board').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('opens the handed-over question, answers the farmer and says so', async () => {
    const asked = await ask(s, QUESTION, '13812342001');
    expect(asked.replies[0].escalated).toBe(true);

    const page = await open();
    await signIn(page, expert.password);
    await page.locator('#who-name').filter({ hasText: '金乡经作专家' }).waitFor();
    const item = page.locator('#ticket-list li').filter({ hasText: '蓝莓' });
    await item.waitFor();
    await item.getByRole('button').click();
    await page.locator('#t-question').filter({ hasText: '蓝莓' }).waitFor();
    await page.getByLabel('答复农户').fill(ANSWER);
    await page.getByRole('button', { name: '发送答复' }).click();
    await page.locator('#toast').filter({ hasText: '答复已送达' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'expert-answered-1280x800.png') });

    const { rows } = await s.db.pool.query<{ text: string }>(
      `SELECT text FROM messages WHERE conversation_id = $1 AND author = 'expert'`, [asked.conversationId],
    );
    expect(rows.map((r) => r.text)).toEqual([ANSWER]);
    expect(errors).toEqual([]);

    // The session ends (signed out elsewhere): the page's next request brings the sign-in back, and says why.
    await s.db.pool.query(`DELETE FROM sessions WHERE user_id = $1`, [expert.id]);
    await page.reload();
    await page.locator('#login-error').filter({ hasText: '登录已过期' }).waitFor();
    expect(await page.locator('#board').isHidden()).toBe(true);
  });
});
