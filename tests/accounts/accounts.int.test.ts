import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { bearer, person } from '../escalation/people.ts';
import { runAccountsCommand, UsageError } from '../../src/cli/accounts-commands.ts';
import { seedDemoTeam, DEMO_TEAM } from '../../src/escalation/demo-team.ts';
import { tokenDigest } from '../../src/accounts/sessions.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: '5', LOGIN_LOCK_MINUTES: '15', SESSION_TTL_HOURS: '12' });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

const loginReq = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

describe('login and sessions', () => {
  it('logs in for an expiring token; only an argon2id hash and the token’s digest are stored', async () => {
    const p = await person(t, { username: 'expert_a', password: 'correct horse 1', role: 'expert', name: '王专家', specialties: ['蔬菜'] });
    const res = await loginReq('EXPERT_A', 'correct horse 1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ role: 'expert', user: { username: 'expert_a', name: '王专家' } });
    const hours = (new Date(body.expiresAt).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
    const { rows: users } = await t.db.pool.query('SELECT password_hash FROM users WHERE id = $1', [p.id]);
    expect(users[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const { rows: sessions } = await t.db.pool.query('SELECT token_hash FROM sessions WHERE user_id = $1', [p.id]);
    expect(sessions.map((s) => Buffer.from(s.token_hash).toString('hex'))).toContain(tokenDigest(body.token).toString('hex'));
    expect(JSON.stringify(sessions)).not.toContain(body.token);

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(body.token) });
    expect(me.json()).toMatchObject({ role: 'expert', username: 'expert_a', specialties: ['蔬菜'] });
  });

  it('an expired session, a logged-out token and a disabled account get 401', async () => {
    const p = await person(t, { username: 'expert_b', role: 'expert', specialties: ['蔬菜'] });
    await t.db.pool.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [tokenDigest(p.token)]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: p.headers })).statusCode).toBe(401);

    const again = await loginReq('expert_b', p.password);
    const token = again.json().token;
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(token) })).statusCode).toBe(401);

    const third = (await loginReq('expert_b', p.password)).json().token;
    const off = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${p.id}`, headers: adminAuth, payload: { disabled: true } });
    expect(off.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(third) })).statusCode).toBe(401);
    expect((await loginReq('expert_b', p.password)).statusCode).toBe(401);
  });

  it('a new password ends the sessions opened with the old one', async () => {
    const p = await person(t, { username: 'expert_c', role: 'expert', specialties: ['蔬菜'] });
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${p.id}`, headers: adminAuth, payload: { password: 'brand-new-pass' } });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: p.headers })).statusCode).toBe(401);
    expect((await loginReq('expert_c', p.password)).statusCode).toBe(401);
    expect((await loginReq('expert_c', 'brand-new-pass')).statusCode).toBe(200);
  });
});

describe('brute force', () => {
  it('locks the username after 5 wrong passwords: even the right one is refused, and no session is made', async () => {
    const p = await person(t, { username: 'target', role: 'officer', name: '信息员' });
    const { rows: before } = await t.db.pool.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [p.id]);
    for (let i = 0; i < 5; i++) {
      const res = await loginReq('target', `wrong-${i}-password`);
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toEqual({ code: 'invalid_credentials', message: '用户名或密码不对' });
    }
    const locked = await loginReq('target', p.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_attempts');
    expect(locked.json().error.message).toMatch(/15 分钟后再试/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    const { rows: after } = await t.db.pool.query('SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [p.id]);
    expect(after[0].n).toBe(before[0].n);
    // The session opened before the attack still works: a lock-out stops guessing, not the person.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: p.headers })).statusCode).toBe(200);
  });

  it('an unknown username is answered like a wrong password, and locked the same way', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await loginReq('nobody', 'whatever-password');
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('invalid_credentials');
    }
    expect((await loginReq('nobody', 'whatever-password')).statusCode).toBe(429);
  });

  it('the lock ends after its time, and the CLI can lift it sooner', async () => {
    await t.db.pool.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE key = 'user:nobody'`);
    expect((await loginReq('nobody', 'whatever-password')).statusCode).toBe(401);
    expect(await runAccountsCommand(t.db.pool, ['unlock', 'target'])).toEqual(['target 的登录锁定已解除']);
    expect((await loginReq('target', 'pw-target-2024')).statusCode).toBe(200);
  });

  it('sixty guesses sent at once: at most LOGIN_MAX_FAILURES of them are checked, the rest are refused unchecked', async () => {
    const p = await person(t, { username: 'raced', role: 'officer', name: '信息员' });
    // From an address of their own: sixty attempts also lock that address, which must not hold up the tests below.
    const raced = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.9.9', payload: { username: 'raced', password } });
    const guesses = await Promise.all(Array.from({ length: 60 }, (_, i) => raced(i === 59 ? p.password : `wrong-${i}-password`)));
    const codes = guesses.map((r) => r.statusCode);
    const checked = codes.filter((c) => c === 401 || c === 200).length;
    expect(checked, codes.join(',')).toBeLessThanOrEqual(t.config.LOGIN_MAX_FAILURES);
    expect(codes.filter((c) => c === 429).length).toBe(60 - checked);
    expect(codes.every((c) => [200, 401, 429].includes(c))).toBe(true);
    // The lock holds afterwards too, even for the right password.
    expect((await loginReq('raced', p.password)).statusCode).toBe(429);
    // …and so does the address's: more than LOGIN_MAX_FAILURES_PER_IP attempts were counted from it.
    expect((await raced('anything-else')).statusCode).toBe(429);
  });

  it('bad login bodies are 400s', async () => {
    for (const payload of [{}, { username: 'x' }, { username: '', password: 'x' }, { username: 'x', password: 'y'.repeat(129) }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});

describe('the accounts CLI', () => {
  it('creates an expert with a generated password that logs in', async () => {
    const out = await runAccountsCommand(t.db.pool, ['create', '--username', 'cli_zj', '--role', 'expert', '--name', '赵专家', '--specialties', '水产,兽医', '--counties', '微山']);
    expect(out[0]).toMatch(/已创建 expert 账号 cli_zj（赵专家） 专业：水产、兽医/);
    const password = /初始密码：(\S+)（/.exec(out[1])![1];
    const res = await loginReq('cli_zj', password);
    expect(res.statusCode).toBe(200);
    const { rows } = await t.db.pool.query(`SELECT counties FROM users WHERE username = 'cli_zj'`);
    expect(rows[0].counties).toEqual(['微山县']);
  });

  it('refuses bad input with the reason', async () => {
    await expect(runAccountsCommand(t.db.pool, ['create', '--username', 'cli_x', '--role', 'expert'])).rejects.toThrow(/至少要有一个专业/);
    await expect(runAccountsCommand(t.db.pool, ['create', '--username', 'cli_zj', '--role', 'officer'])).rejects.toThrow(/已经有人用了/);
    await expect(runAccountsCommand(t.db.pool, ['passwd', 'ghost'])).rejects.toThrow(UsageError);
    await expect(runAccountsCommand(t.db.pool, ['frobnicate'])).rejects.toThrow(/用法/);
  });

  it('lists, changes passwords, disables and enables', async () => {
    expect((await runAccountsCommand(t.db.pool, ['list', '--role', 'expert'])).some((l) => l.startsWith('cli_zj\texpert\t赵专家'))).toBe(true);
    const [line] = await runAccountsCommand(t.db.pool, ['passwd', 'cli_zj', '--password', 'another-pass-9']);
    expect(line).toMatch(/已修改 cli_zj 的密码；1 个已登录的令牌已失效/);
    await runAccountsCommand(t.db.pool, ['disable', 'cli_zj']);
    expect((await loginReq('cli_zj', 'another-pass-9')).statusCode).toBe(401);
    await runAccountsCommand(t.db.pool, ['enable', 'cli_zj']);
    expect((await loginReq('cli_zj', 'another-pass-9')).statusCode).toBe(200);
  });
});

describe('the demo team', () => {
  it('is one expert per category, created only where there are no experts, passwords shown only when asked', async () => {
    const fresh = await createTestApp();
    try {
      const quiet = await seedDemoTeam(fresh.db.pool, { reveal: false });
      expect(quiet).toEqual({ created: 12, accounts: [] });
      const { rows } = await fresh.db.pool.query(`SELECT specialties[1] AS s FROM users WHERE demo ORDER BY 1`);
      expect(rows.map((r) => r.s).sort()).toEqual(DEMO_TEAM.map((m) => m.category).sort());
      const shown = await seedDemoTeam(fresh.db.pool, { reveal: true });
      expect(shown.created).toBe(0);
      expect(shown.accounts).toHaveLength(12);
      const zhibao = shown.accounts.find((a) => a.label === '植保')!;
      const res = await fresh.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: zhibao.username, password: zhibao.password } });
      expect(res.statusCode).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
