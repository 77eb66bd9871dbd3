import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth } from '../helpers/app.ts';
import { ALWAYS, ask, person, type Person } from '../escalation/people.ts';
import { createSmsApp, nextId, signedInject, type SmsTestApp } from '../sms/helpers.ts';

// What a broken client or an attacker sends: NUL bytes, half a character, bad URLs, wrong types. Every
// answer is a 4xx (or a 2xx where the text was simply cleaned) in our own shape and in Chinese; never a 5xx.
let t: SmsTestApp;
let expert: Person;
let ticketId: string;

const NUL = 'a\u0000b';
const LONE = 'x\udfffy';

function expectOurError(res: { statusCode: number; json(): any; body: string }, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
  expect(body.error.message).not.toMatch(/Invalid input|expected|received|is not a valid url|exceeding/i);
}

beforeAll(async () => {
  t = await createSmsApp({}, { seed: false });
  expert = await person(t as never, { username: 'zb_fuzz', role: 'expert', name: '植保', specialties: ['植保'], ...ALWAYS, capacity: 100 });
  ticketId = (await ask(t as never, '小麦条锈病用什么药防治', '13812349999')).replies[0].ticketId!;
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('NUL in a string field never reaches PostgreSQL', () => {
  const cases: [string, () => import('fastify').InjectOptions][] = [
    ['login', () => ({ method: 'POST', url: '/api/v1/auth/login', payload: { username: NUL, password: 'x' } })],
    ['messages: text and messageId', () => ({ method: 'POST', url: '/api/v1/messages', headers: adminAuth, payload: { text: `小麦${NUL}`, messageId: `q${NUL}`, from: { phone: '13812340001' } } })],
    ['kb document title, source, county', () => ({ method: 'POST', url: '/api/v1/kb/documents', headers: adminAuth, payload: { title: `标题${NUL}`, source: NUL, county: NUL, category: 'agronomy', format: 'markdown', content: '小麦播种要适期。' } })],
    ['kb search', () => ({ method: 'GET', url: '/api/v1/kb/search?q=%00%E5%B0%8F%E9%BA%A6', headers: adminAuth })],
    ['user name and village', () => ({ method: 'POST', url: '/api/v1/users', headers: adminAuth, payload: { username: 'nul_user', password: 'long-enough-1', role: 'officer', name: NUL, village: NUL } })],
    ['ticket county filter', () => ({ method: 'GET', url: '/api/v1/tickets?county=%00', headers: expert.headers })],
    ['ticket reply text', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/transfer`, headers: expert.headers, payload: { to: NUL } })],
  ];
  for (const [name, request] of cases) {
    it(name, async () => {
      const res = await t.app.inject(request());
      expect(res.statusCode, res.body).toBeLessThan(500);
    });
  }

  it('the signed SMS webhook and its delivery-status webhook', async () => {
    const inbound = await signedInject(t.app, '/webhooks/sms/http', { id: `q${NUL}${nextId()}`, from: '13812340002', text: '你好' });
    expect(inbound.statusCode, inbound.body).toBeLessThan(500);
    const status = await signedInject(t.app, '/webhooks/sms/http/status', { id: `q${NUL}`, status: 'delivered' });
    expect(status.statusCode, status.body).toBeLessThan(500);
  });
});

describe('half a character (a lone surrogate) in chat text', () => {
  it('is answered over HTTP web chat, not left without a reply', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/webchat/api/send',
      payload: { deviceId: 'fuzz-device-0123456789', clientId: 'c1', text: `小麦${LONE}怎么施肥` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const messages = res.json().messages;
    expect(messages.some((m: { author: string }) => m.author === 'bot')).toBe(true);
    // The broken character is dropped before the text is stored (src/privacy/clean-text.ts cleanMessageText).
    expect(messages[0].text).toBe('小麦xy怎么施肥');
  });

  it('is answered on the API channel', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: adminAuth, payload: { text: `你好${LONE}`, from: { phone: '13812340003' } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().replies.length).toBeGreaterThan(0);
  });
});

describe("errors in the project's shape and language", () => {
  it('a malformed ticket cursor is a 400', async () => {
    for (const before of ['abc%7C00000000-0000-0000-0000-000000000000', '2026-13-01T00:00:00.000Z%7C00000000-0000-0000-0000-000000000000', 'x']) {
      expectOurError(await t.app.inject({ method: 'GET', url: `/api/v1/tickets?before=${before}`, headers: expert.headers }), 400);
    }
  });

  it('bad URLs, over-long parameters, bad JSON, unknown media types and huge bodies', async () => {
    expectOurError(await t.app.inject({ method: 'GET', url: '/api/v1/tickets/%E0%A4%A' , headers: expert.headers }), 400);
    expectOurError(await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${'a'.repeat(300)}`, headers: expert.headers }), 414);
    expectOurError(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' }), 400);
    expectOurError(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }), 415);
    expectOurError(await t.app.inject({ method: 'POST', url: '/webchat/api/send', payload: { deviceId: 'x'.repeat(20), clientId: 'c', text: '字'.repeat(20_000) } }), 413);
    expectOurError(await t.app.inject({ method: 'GET', url: '/no/such/place?phone=13812345678' }), 404);
  });

  it('validation messages say in Chinese what to change, per field', async () => {
    const conv = (await ask(t as never, '你好', '13812340004')).conversationId;
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/conversations/${conv}/messages?limit=abc`, headers: adminAuth });
    expectOurError(res, 400);
    expect(res.json().error.message).toContain('limit 应该是 1 到 500 之间的整数');
    const big = await t.app.inject({ method: 'GET', url: `/api/v1/conversations/${conv}/messages?limit=9999`, headers: adminAuth });
    expect(big.json().error.message).toContain('limit 应该不大于 500');
    const wrongType = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 5, password: [] } });
    expectOurError(wrongType, 400);
    expect(wrongType.json().error.message).toMatch(/username/);
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: adminAuth, payload: { username: 'abc_def' } });
    expectOurError(missing, 400);
    expect(missing.json().error.message).toMatch(/password|role/);
  });

  it('a 404 does not echo a query string (it may hold a phone) back or into the page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/nowhere?phone=13812345678' });
    expect(res.body).not.toContain('13812345678');
  });
});

describe('what the fuzz run found on the console routes (each was a 500)', () => {
  it('changing the password with a configured token (no account behind it) is a 403', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: adminAuth, payload: { currentPassword: 'whatever-1', newPassword: 'another-one-2' } });
    expectOurError(res, 403);
  });

  it('a price that is not a JSON object is a 400', async () => {
    for (const payload of ['[1,2]', '"大蒜"', '7']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/prices', headers: { ...adminAuth, 'content-type': 'application/json' }, payload });
      expectOurError(res, 400);
    }
  });

  it('a price file that is refused whole is a 400 saying why', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/prices?filename=bad.csv', headers: { ...adminAuth, 'content-type': 'text/csv' }, payload: 'no,such,columns\n1,2,3\n' });
    expectOurError(res, 400);
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM prices');
    expect(rows[0].n).toBe(0);
  });

  it('an empty progress table upload is a 400 in our shape', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/programme/progress/import', headers: { ...adminAuth, 'content-type': 'text/csv' }, payload: '' });
    expectOurError(res, 400);
  });
});
