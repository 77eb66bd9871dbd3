import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInitialAdmin } from '../../src/admin/first-run.ts';
import { seedDemoTeam } from '../../src/escalation/demo-team.ts';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { bearer } from '../escalation/people.ts';

let t: TestContext;
let dataDir: string;

beforeAll(async () => {
  t = await createTestApp();
  dataDir = await mkdtemp(path.join(tmpdir(), 'yinong-first-run-'));
}, 300_000);
afterAll(async () => {
  await t?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

describe('the first start', () => {
  let password: string;
  let firstToken: string;

  it('creates admin with a random password, written to DATA_DIR/initial-admin-password for the owner only', async () => {
    const initial = await ensureInitialAdmin(t.db.pool, dataDir);
    expect(initial?.username).toBe('admin');
    password = initial!.password;
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const file = path.join(dataDir, 'initial-admin-password');
    expect(initial!.file).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe(`admin\n${password}\n`);
    // A second start finds the administrator and prints nothing.
    expect(await ensureInitialAdmin(t.db.pool, dataDir)).toBeUndefined();
  });

  it('logs in with mustChangePassword, and every other route answers 403 password_change_required', async () => {
    const res = await login('admin', password);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ role: 'admin', mustChangePassword: true });
    expect(Object.keys(res.json())).toEqual(expect.arrayContaining(['token', 'role', 'mustChangePassword']));
    firstToken = res.json().token;
    for (const url of ['/api/v1/users', '/api/v1/programme/progress', '/api/v1/stats/service', '/api/v1/kb/documents', '/api/v1/tickets']) {
      const denied = await t.app.inject({ method: 'GET', url, headers: bearer(firstToken) });
      expect(denied.statusCode, url).toBe(403);
      expect(denied.json().error.code).toBe('password_change_required');
      expect(denied.json().error.message).toContain('修改初始密码');
    }
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(firstToken) });
    expect(me.json()).toMatchObject({ username: 'admin', mustChangePassword: true });
  });

  it('refuses a wrong current password, a short new one and the same one', async () => {
    const change = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: bearer(firstToken), payload });
    const wrong = await change({ currentPassword: 'not-it-at-all', newPassword: 'a-good-new-pass' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toBe('当前密码不对');
    const short = await change({ currentPassword: password, newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.message).toContain('至少 8 位');
    const same = await change({ currentPassword: password, newPassword: password });
    expect(same.json().error.message).toContain('不能和当前密码一样');
  });

  it('the change answers 200 with a fresh token; the old one is gone, the old password too', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/auth/password', headers: bearer(firstToken),
      payload: { currentPassword: password, newPassword: 'bureau-chosen-2019' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const fresh = res.json().token;
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(fresh) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(firstToken) })).statusCode).toBe(401);
    expect((await login('admin', password)).statusCode).toBe(401);
    const again = await login('admin', 'bureau-chosen-2019');
    expect(again.json().mustChangePassword).toBe(false);
  });

  it('ADMIN_TOKEN keeps working for automation', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/programme/progress', headers: adminAuth })).statusCode).toBe(200);
  });

  it('an administrator’s reset makes the person choose again', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/api/v1/users', headers: adminAuth,
      payload: { username: 'xxy_reset', password: 'given-by-admin-1', role: 'officer', counties: ['金乡县'], village: '王庄村', mustChangePassword: true },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().mustChangePassword).toBe(true);
    expect((await login('xxy_reset', 'given-by-admin-1')).json().mustChangePassword).toBe(true);
  });
});

describe('demo mode', () => {
  it('adds an officer and a county administrator per county, and shows their passwords', { timeout: 120_000 }, async () => {
    const fresh = await createTestApp();
    try {
      const shown = await seedDemoTeam(fresh.db.pool, { reveal: true, officers: true });
      expect(shown.created).toBe(12 + 11 + 11);
      const officers = shown.accounts.filter((a) => a.role === 'officer');
      const countyAdmins = shown.accounts.filter((a) => a.role === 'county_admin');
      expect(officers.map((o) => o.label).sort()).toEqual(countyAdmins.map((o) => o.label).sort());
      expect(officers).toHaveLength(11);
      const zc = countyAdmins.find((a) => a.label === '邹城市')!;
      const res = await fresh.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: zc.username, password: zc.password } });
      expect(res.json()).toMatchObject({ role: 'county_admin', mustChangePassword: false });
    } finally {
      await fresh.close();
    }
  });
});
