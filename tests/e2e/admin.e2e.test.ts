import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, PHONE, SCREENSHOTS } from './browser.ts';

// A new user's first run, as the README says it: the real server process on a fresh embedded database,
// the administrator's password read from its log, the console at /admin in real Chromium.
let server: ChildProcess;
let base: string;
let password: string;
let log = '';
let dataDir: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' };
const TABLET = { viewport: { width: 820, height: 1180 }, locale: 'zh-CN', hasTouch: true };
const NEW_PASSWORD = 'jining-bureau-2019';

function startServer(): Promise<void> {
  return new Promise((resolve, reject) => {
    server = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/main.ts'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'production', LOG_LEVEL: 'info', ADMIN_TOKEN: '', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log.slice(-3000)}`)), 170_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const pw = /密码 {4}(\S+)/.exec(log);
      const url = /"(?:msg|message)":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(log);
      if (pw && url && /益农助手 ready/.test(log)) {
        password = pw[1];
        base = url[1];
        clearTimeout(timer);
        resolve();
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.on('exit', (code) => reject(new Error(`server exited ${code}:\n${log.slice(-3000)}`)));
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'yinong-admin-e2e-'));
  [, browser] = await Promise.all([startServer(), launchChromium()]);
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
});

async function open(options: object): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  return page;
}

async function login(page: Page, username: string, pw: string): Promise<void> {
  await page.goto(`${base}/admin`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(pw);
  await page.getByRole('button', { name: '登录' }).click();
}

async function askFarmerChat(question: string, expectText: string): Promise<Page> {
  const chat = await open(PHONE);
  await chat.goto(base);
  const input = chat.getByLabel('输入您的问题');
  await input.fill(question);
  await input.press('Enter');
  await chat.locator('#log .msg.bot').filter({ hasText: expectText }).waitFor({ timeout: 30_000 });
  return chat;
}

describe('the administrators’ console', { timeout: 120_000 }, () => {
  let admin: Page;

  it('first run: the printed password logs in, and the console insists on a new one', async () => {
    expect(log).toContain('首次启动：已创建管理员账号');
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    admin = await open(DESKTOP);
    await login(admin, 'admin', password);
    await admin.getByRole('heading', { name: '请修改初始密码' }).waitFor();
    await admin.screenshot({ path: `${SCREENSHOTS}/admin-1-forced-change.png` });
    await admin.getByLabel('当前密码').fill(password);
    await admin.getByLabel('新密码（至少 8 位）').fill(NEW_PASSWORD);
    await admin.getByLabel('再输一遍新密码').fill(NEW_PASSWORD);
    await admin.getByRole('button', { name: '修改密码' }).click();
    await admin.locator('#kpis .kpi').first().waitFor();
    expect(await admin.locator('#who-name').textContent()).toContain('市管理员');
  });

  it('a progress report for 邹城市 shows on the dashboard chart and in the farmer chat’s answer', async () => {
    await admin.getByRole('button', { name: '建设进度' }).click();
    await admin.locator('#p-county').selectOption('邹城市');
    await admin.locator('#p-asof').fill('2019-06-30');
    await admin.locator('#p-built').fill('300');
    await admin.locator('#p-standard').fill('280');
    await admin.locator('#p-downloads').fill('21000');
    await admin.getByRole('button', { name: '保存进度' }).click();
    await admin.locator('#p-result.ok').waitFor();
    expect(await admin.locator('#p-result').textContent()).toContain('截至2019年6月30日，邹城市已建300个，占上半年任务343个的87%');
    await admin.locator('#p-table tbody tr', { hasText: '邹城市' }).filter({ hasText: '300' }).waitFor();
    await admin.screenshot({ path: `${SCREENSHOTS}/admin-2-progress.png`, fullPage: true });

    await admin.getByRole('button', { name: '总览' }).click();
    await admin.locator('#kpis .kpi', { hasText: '已建益农信息社' }).filter({ hasText: '300' }).waitFor();
    const built = await admin.evaluate(() => {
      const chart = (window as any).Chart.getChart('c-built');
      const i = chart.data.labels.indexOf('邹城市');
      return { built: chart.data.datasets[0].data[i], due: chart.data.datasets[1].data[i] };
    });
    expect(built).toEqual({ built: 300, due: 343 });
    const history = await admin.evaluate(() => (window as any).Chart.getChart('c-history').data.datasets.map((d: any) => d.label));
    expect(history).toEqual(['邹城市']);
    await admin.screenshot({ path: `${SCREENSHOTS}/admin-3-dashboard.png`, fullPage: true });

    const chat = await askFarmerChat('邹城市益农信息社建了多少个了', '已建300个');
    expect(await chat.locator('#log .msg.bot').last().textContent()).toContain('占上半年任务343个的87%');
    await chat.screenshot({ path: `${SCREENSHOTS}/admin-4-farmer-chat-progress.png` });
  });

  it('a document uploaded in the console is cited by the bot; the chunks are previewed', async () => {
    const file = path.join(dataDir, '金乡大蒜金蒜九号栽培要点.md');
    await writeFile(file, [
      '---', 'title: 金蒜九号栽培要点', 'category: agronomy', 'source: 金乡县农业农村局', '---',
      '# 金蒜九号栽培要点', '', '## 播种', '金蒜九号适宜在9月25日至10月5日播种，每亩用种150公斤，行距20厘米，株距12厘米。', '',
      '## 浇水', '金蒜九号播种后立即浇透蒙头水，越冬前浇一次封冻水。', '',
    ].join('\n'));
    await admin.getByRole('button', { name: '知识库' }).click();
    await admin.locator('#kb-file').setInputFiles(file);
    await admin.getByRole('button', { name: '上传' }).click();
    await admin.locator('#kb-up-result.ok').waitFor();
    expect(await admin.locator('#kb-up-result').textContent()).toContain('新增：金蒜九号栽培要点');
    await admin.locator('#kb-preview li', { hasText: '9月25日至10月5日' }).waitFor();
    await admin.locator('#kb-table tbody tr', { hasText: '金蒜九号栽培要点' }).waitFor();
    await admin.screenshot({ path: `${SCREENSHOTS}/admin-5-knowledge.png`, fullPage: true });

    const chat = await askFarmerChat('金蒜九号什么时候播种', '9月25日');
    const answer = chat.locator('#log .msg.bot').filter({ hasText: '9月25日' }).last();
    expect(await answer.locator('details.cite summary').allTextContents()).toContain('来源：金蒜九号栽培要点');
    await chat.screenshot({ path: `${SCREENSHOTS}/admin-6-farmer-chat-cites-upload.png` });
  });

  it('a document past its review date is listed for the bureau, and the farmer is told when it is cited', async () => {
    const file = path.join(dataDir, '紫云英绿肥.md');
    await writeFile(file, [
      '---', 'title: 紫云英绿肥翻压要点', 'category: agronomy', 'source: 鱼台县农技站', 'writtenBy: 鱼台县农技站',
      'reviewedBy: 县植保站', 'reviewedAt: 2019-05-01', 'reviewBy: 2020-05-01', '---',
      '# 紫云英绿肥翻压要点', '', '## 翻压时间', '紫云英在盛花期翻压最好，每亩鲜草1500公斤左右，翻压后10天再插秧。', '',
    ].join('\n'));
    await admin.getByRole('button', { name: '知识库' }).click();
    await admin.locator('#kb-file').setInputFiles(file);
    await admin.getByRole('button', { name: '上传' }).click();
    await admin.locator('#kb-up-result.ok').waitFor();
    const row = admin.locator('#kb-due-table tbody tr', { hasText: '紫云英绿肥翻压要点' });
    await row.waitFor();
    expect(await row.textContent()).toContain('2020-05-01');
    expect(await row.locator('.tag.overdue').textContent()).toBe('已过期');
    expect(await row.textContent()).toContain('复核：县植保站');
    // The document uploaded before with no review date is not listed as past review.
    expect(await admin.locator('#kb-due-table tbody tr', { hasText: '金蒜九号栽培要点' }).count()).toBe(0);
    await admin.screenshot({ path: `${SCREENSHOTS}/admin-7-knowledge-review-due.png`, fullPage: true });

    const chat = await askFarmerChat('紫云英啥时候翻压', '盛花期');
    const answer = chat.locator('#log .msg.bot').filter({ hasText: '盛花期' }).last();
    expect(await answer.locator('.notice').textContent()).toBe('（此资料已过复核期，请以县农业农村局最新通知为准）');
    await chat.screenshot({ path: `${SCREENSHOTS}/admin-8-farmer-chat-past-review.png` });
  });

  it('a county administrator created in the console reports for their county and is refused another', async () => {
    await admin.getByRole('button', { name: '账号' }).click();
    await admin.locator('#ac-username').fill('gly_zoucheng');
    await admin.locator('#ac-name').fill('邹城市农业农村局');
    await admin.locator('#ac-role-input').selectOption('county_admin');
    await admin.locator('#ac-counties label', { hasText: '邹城市' }).locator('input').check();
    await admin.locator('#ac-password').fill('zoucheng-first-1');
    await admin.getByRole('button', { name: '保存' }).click();
    await admin.locator('#ac-result.ok').waitFor();
    await admin.locator('#ac-table tbody tr', { hasText: 'gly_zoucheng' }).waitFor();
    await admin.screenshot({ path: `${SCREENSHOTS}/admin-7-accounts.png`, fullPage: true });

    const county = await open(TABLET);
    await login(county, 'gly_zoucheng', 'zoucheng-first-1');
    await county.getByRole('heading', { name: '请修改初始密码' }).waitFor();
    await county.getByLabel('当前密码').fill('zoucheng-first-1');
    await county.getByLabel('新密码（至少 8 位）').fill('zoucheng-chosen-2');
    await county.getByLabel('再输一遍新密码').fill('zoucheng-chosen-2');
    await county.getByRole('button', { name: '修改密码' }).click();
    await county.locator('#kpis .kpi').first().waitFor();
    expect(await county.getByRole('button', { name: '知识库' }).isHidden()).toBe(true);
    await county.getByRole('button', { name: '建设进度' }).click();
    expect(await county.locator('#p-county option').allTextContents()).toEqual(['邹城市']);
    await county.locator('#p-table tbody tr').first().waitFor();
    expect(await county.locator('#p-table tbody tr').count()).toBe(1);
    // The page offers only 邹城市; asked for 金乡县 anyway (a hand-made request), the server refuses.
    const refused = await county.evaluate(async () => {
      const res = await fetch('/api/v1/programme/progress', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${localStorage.getItem('yinong.admin.token')}` },
        body: JSON.stringify({ county: '金乡县', asOf: '2019-06-30', stationsBuilt: 10 }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('你只能查看和填报邹城市的数据');
    await county.screenshot({ path: `${SCREENSHOTS}/admin-8-county-admin-tablet.png`, fullPage: true });
  });
});
