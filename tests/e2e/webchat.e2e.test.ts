import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { insertMessage } from '../../src/conversations/store.ts';
import { adminAuth } from '../helpers/app.ts';
import { startServer, type LiveServer } from '../webchat/client.ts';
import { launchChromium, PHONE, SCREENSHOTS } from './browser.ts';

// The farmer's and the officer's page in real headless Chromium against the real server.
let s: LiveServer;
let browser: Browser;
let host: Server;
let hostOrigin: string;
let context: BrowserContext | undefined;

beforeAll(async () => {
  // Another site that embeds the widget, on its own origin.
  host = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="zh-CN"><head><style>button{background:red!important;font-size:40px!important}</style></head>
      <body><h1>济宁市农业农村局</h1><script src="${s.base}/widget.js" data-title="济宁农技问答" data-label="问农事" data-color="#0b6b3a"></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  // The embedding site must be allowed to frame the chat.
  [s, browser] = await Promise.all([startServer({ WEBCHAT_ALLOWED_ORIGINS: hostOrigin }), launchChromium()]);
}, 300_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await browser?.close();
  await s?.close();
  await new Promise((resolve) => host?.close(resolve));
});

async function phone(): Promise<Page> {
  context = await browser.newContext(PHONE);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  return page;
}

async function ask(page: Page, text: string): Promise<void> {
  const input = page.getByLabel('输入您的问题');
  await input.fill(text);
  await input.press('Enter');
}

/** Messages in the thread, as the farmer sees them (the greeting excluded). */
async function bubbles(page: Page): Promise<string[]> {
  return page.locator('#log .msg').evaluateAll((els) => els.slice(1).map((e) => e.textContent ?? ''));
}

const stored = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('yinong.chat.farmer') ?? 'null') as { conversationId: string; messages: { id?: string; text: string }[] });

describe('a farmer on a phone', () => {
  it('asks and sees a cited answer, kept across a reload', async () => {
    const page = await phone();
    await page.goto(s.base);
    await expect.poll(() => page.locator('#net').isHidden()).toBe(true);
    await ask(page, '小麦条锈病咋防治');
    const answer = page.locator('#log .msg.bot').filter({ hasText: '三唑酮' });
    await answer.waitFor();
    const citation = answer.locator('details.cite').first();
    await citation.locator('summary').click();
    await expect.poll(() => citation.locator('p').first().isVisible()).toBe(true);
    expect(await page.locator('#quick button').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'webchat-360x740.png') });

    const before = await bubbles(page);
    expect(before).toHaveLength(2);
    await page.reload();
    await page.locator('#log .msg.bot').filter({ hasText: '三唑酮' }).waitFor();
    await expect.poll(() => page.locator('#net').isHidden()).toBe(true);
    expect(await bubbles(page)).toEqual(before);
  });

  it('loses nothing and doubles nothing when the network drops and comes back', async () => {
    const page = await phone();
    await page.goto(s.base);
    await ask(page, '大蒜多少钱一斤');
    await page.locator('#log .msg.bot').filter({ hasText: '元/斤' }).waitFor();
    const { conversationId } = await stored(page);

    await context!.setOffline(true);
    await page.locator('#net').filter({ hasText: '网络断开' }).waitFor();
    await ask(page, '邹城市要建多少个益农信息社');
    await page.locator('#log .msg.mine.waiting').waitFor();
    // While the phone is offline an expert writes to this farmer.
    const { message } = await insertMessage(s.db.pool, { conversationId, author: 'expert', text: '金乡大蒜近期走势平稳，可以分批出售。' });
    s.events.publish(message);

    await context!.setOffline(false);
    await page.locator('#log .msg.bot').filter({ hasText: '858' }).waitFor({ timeout: 20_000 });
    await page.locator('#log .msg.expert').filter({ hasText: '分批出售' }).waitFor();
    await expect.poll(() => page.locator('#net').isHidden()).toBe(true);

    const texts = await bubbles(page);
    const count = (needle: string) => texts.filter((t) => t.includes(needle)).length;
    expect(texts).toHaveLength(5);
    expect(count('邹城市要建多少个益农信息社')).toBe(1);
    expect(count('858')).toBe(1);
    expect(count('分批出售')).toBe(1);
    expect(await page.locator('#log .msg.waiting, #log .msg.pending').count()).toBe(0);
    const { rows } = await s.db.pool.query(
      `SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND text = '邹城市要建多少个益农信息社'`, [conversationId],
    );
    expect(rows[0].n).toBe(1);
  });

  it('sees the notice when a question goes to an expert, then the expert’s answer live', async () => {
    const page = await phone();
    await page.goto(s.base);
    await ask(page, '俺家鸵鸟不吃食还咳嗽咋整');
    const notice = page.locator('#log .msg.escalated');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/已转给专家[\s\S]*(预计|一般)[\s\S]*答复[\s\S]*问题编号/);

    const { conversationId } = await stored(page);
    const { message } = await insertMessage(s.db.pool, { conversationId, author: 'expert', text: '先把病猪隔离，测体温，请兽医上门采样。' });
    s.events.publish(message);
    await page.locator('#log .msg.expert').filter({ hasText: '专家答复' }).filter({ hasText: '隔离' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'webchat-escalated-360x740.png') });
  });

  it('works over plain HTTP when WebSockets are blocked', async () => {
    const page = await phone();
    await page.routeWebSocket(/\/ws\/chat/, (ws) => ws.close({ code: 1006 }));
    await page.goto(s.base);
    await ask(page, '小麦条锈病咋防治');
    await page.locator('#log .msg.bot').filter({ hasText: '三唑酮' }).waitFor({ timeout: 30_000 });
  });

  it('is usable from the keyboard, with labelled controls and AA contrast', async () => {
    const page = await phone();
    await page.goto(s.base);
    await page.keyboard.press('Tab'); // the skip link
    await page.keyboard.press('Enter');
    await page.keyboard.type('你好');
    await page.keyboard.press('Enter');
    await page.locator('#log .msg.bot').nth(1).waitFor();
    for (const name of ['信息员登录', '发送']) expect(await page.getByRole('button', { name }).count()).toBe(1);
    expect(await page.getByRole('log', { name: '对话记录' }).count()).toBe(1);

    const ratios = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const background = (el: Element | null): number[] => {
        for (; el; el = el.parentElement) {
          const c = rgb(getComputedStyle(el).backgroundColor);
          if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
        }
        return [255, 255, 255];
      };
      const selectors = ['.top h1', '#log .msg.bot', '#log .msg.mine', '.msg .who', '.msg .when', '#send', '#quick button', '#login-open', '#input'];
      return selectors.map((sel) => {
        const el = document.querySelector(sel)!;
        const a = lum(rgb(getComputedStyle(el).color));
        const b = lum(background(el));
        return { sel, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
      });
    });
    for (const r of ratios) expect(r.ratio, r.sel).toBeGreaterThanOrEqual(4.5);
  });
});

describe('an officer', () => {
  it('logs in and asks on behalf of a farmer, then reads that farmer’s record', async () => {
    const farmer = '13905370003';
    const page = await phone();
    const created = await s.app.inject({
      method: 'POST', url: '/api/v1/users', headers: adminAuth,
      payload: { username: 'wang-e2e', password: 'Xinxiyuan-2024!', role: 'officer', name: '王信息员' },
    });
    expect(created.statusCode).toBe(201);
    await page.goto(s.base);
    await page.getByRole('button', { name: '信息员登录' }).click();
    await page.getByLabel('用户名').fill('wang-e2e');
    await page.getByLabel('密码').fill('Xinxiyuan-2024!');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('#officer-bar').filter({ hasText: '王信息员' }).waitFor();
    await page.getByRole('button', { name: '代问' }).click();
    expect(await page.getByLabel('输入您的问题').inputValue()).toBe('代问 ');
    await page.getByLabel('输入您的问题').pressSequentially(`${farmer} 小麦条锈病咋防治`);
    await page.getByLabel('输入您的问题').press('Enter');
    const answer = page.locator('#log .msg.bot').filter({ hasText: '139****0003' });
    await answer.filter({ hasText: '三唑酮' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'webchat-officer-360x740.png') });

    await page.getByRole('button', { name: '农户记录' }).click();
    await page.getByLabel('农户手机号').fill(farmer);
    await page.getByRole('button', { name: '查询' }).click();
    const record = page.locator('#history-result');
    await record.locator('.msg').nth(1).waitFor();
    expect(await record.textContent()).toMatch(/信息员代问[\s\S]*小麦条锈病咋防治[\s\S]*益农助手[\s\S]*三唑酮/);
  });

  it('a forged session is sent back to farmer mode with a message', async () => {
    const page = await phone();
    await page.goto(s.base);
    await page.evaluate(() => sessionStorage.setItem('yinong.token', JSON.stringify('forged-session-0123456789')));
    await page.reload();
    await page.locator('#toast').filter({ hasText: '登录' }).waitFor();
    await expect.poll(() => page.locator('#officer-bar').isHidden()).toBe(true);
    await ask(page, '大蒜多少钱一斤');
    await page.locator('#log .msg.bot').filter({ hasText: '元/斤' }).waitFor();
  });
});

describe('the widget on another site', () => {
  it('opens an isolated chat from one script tag', async () => {
    const page = await phone();
    await page.goto(hostOrigin);
    const fab = page.getByRole('button', { name: '打开济宁农技问答' });
    await fab.click();
    const frame = page.frameLocator('iframe[title="济宁农技问答"]');
    await frame.getByLabel('输入您的问题').fill('大蒜多少钱一斤');
    await frame.getByLabel('输入您的问题').press('Enter');
    await frame.locator('#log .msg.bot').filter({ hasText: '元/斤' }).waitFor();
    // The host page's `button { background: red }` does not reach the widget's button.
    const bg = await fab.evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(bg).toBe('rgb(11, 107, 58)');
  });
});

describe('a message longer than the page sends (issue 12 item 8)', () => {
  it('is kept whole in the box with a Chinese notice of the limit, never cut silently', async () => {
    const page = await phone();
    await page.goto(s.base);
    const input = page.getByLabel('输入您的问题');
    await input.waitFor();
    const long = `${'我家小麦叶子发黄，'.repeat(230)}怎么办`; // 2,073 characters
    expect(long.length).toBeGreaterThan(2000);
    await input.fill(long);
    // Nothing is cut: the box holds every character, and the notice says by how much it is over.
    expect((await input.inputValue()).length).toBe(long.length);
    const notice = page.locator('#count');
    await notice.waitFor({ state: 'visible' });
    expect(await notice.textContent()).toMatch(new RegExp(`已写 ${long.length} 个字，超出 ${long.length - 2000} 个字.*最多 2000 个字`));
    // Sending is refused with the reason, and the text stays for the farmer to shorten.
    await input.press('Enter');
    await page.locator('#toast').filter({ hasText: '一条消息最多 2000 个字' }).waitFor();
    expect((await input.inputValue()).length).toBe(long.length);
    // Shortened under the limit, the notice no longer warns and the message goes.
    await input.fill('我家小麦叶子发黄，怎么办');
    await notice.waitFor({ state: 'hidden' });
    await input.press('Enter');
    await page.locator('#log .msg.mine').filter({ hasText: '我家小麦叶子发黄，怎么办' }).waitFor();
    expect(await input.inputValue()).toBe('');
  });
});
