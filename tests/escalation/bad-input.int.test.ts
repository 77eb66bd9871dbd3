import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { ALWAYS, ask, bearer, person, type Person } from './people.ts';

// Bad input gets a clear 4xx and changes nothing: the ticket, its history and the conversation stay as they were.
let t: TestContext;
let holder: Person;
let other: Person;
let ticketId: string;
let conversationId: string;

async function snapshot() {
  const [ticket, events, messages, sms] = await Promise.all([
    t.db.pool.query('SELECT status, assignee_id, updated_at FROM tickets WHERE id = $1', [ticketId]),
    t.db.pool.query('SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1', [ticketId]),
    t.db.pool.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [conversationId]),
    t.db.pool.query('SELECT count(*)::int AS n FROM sms_outbox'),
  ]);
  return { ticket: ticket.rows[0], events: events.rows[0].n, messages: messages.rows[0].n, sms: sms.rows[0].n };
}

beforeAll(async () => {
  t = await createTestApp();
  holder = await person(t, { username: 'zb_holder', role: 'expert', name: '植保甲', phone: '13900000201', specialties: ['植保'], ...ALWAYS, capacity: 100 });
  other = await person(t, { username: 'zb_other', role: 'expert', name: '植保乙', specialties: ['植保'], ...ALWAYS });
  await t.db.pool.query('UPDATE users SET available = false WHERE id = $1', [other.id]);
  const res = await ask(t, '小麦赤霉病用什么药', '13812340000');
  ticketId = res.replies[0].ticketId!;
  conversationId = res.conversationId;
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('ticket actions', () => {
  const cases: [string, () => { method: 'POST'; url: string; payload?: object; headers: Record<string, string> }, number, string | RegExp][] = [
    ['reply to a ticket that is not yours', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, payload: { text: '我来答' }, headers: other.headers }), 403, 'not_yours'],
    ['close a ticket that is not yours', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/close`, payload: {}, headers: other.headers }), 403, 'not_yours'],
    ['transfer a ticket that is not yours', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/transfer`, payload: { to: 'zb_other' }, headers: other.headers }), 403, 'not_yours'],
    ['an empty reply', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, payload: { text: '   ' }, headers: holder.headers }), 400, /答复内容不能为空/],
    ['a reply without text', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, payload: {}, headers: holder.headers }), 400, /text/],
    ['an oversized reply', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, payload: { text: '字'.repeat(2001) }, headers: holder.headers }), 400, /最多 2000/],
    ['a transfer to a missing expert', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/transfer`, payload: { to: 'nobody_here' }, headers: holder.headers }), 404, 'expert_not_found'],
    ['a transfer to an officer', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/transfer`, payload: { to: 'xxy_bad' }, headers: holder.headers }), 404, 'expert_not_found'],
    ['a transfer to the holder', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/transfer`, payload: { to: 'zb_holder' }, headers: holder.headers }), 400, 'same_expert'],
    ['a transfer to nobody', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/transfer`, payload: { to: '' }, headers: holder.headers }), 400, /请指定/],
    ['a tampered token', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, payload: { text: 'x' }, headers: bearer(`${holder.token.slice(0, -1)}${holder.token.endsWith('A') ? 'B' : 'A'}`) }), 401, 'unauthorized'],
    ['a token that is not one of ours', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, payload: { text: 'x' }, headers: bearer('yns_not-a-real-token') }), 401, 'unauthorized'],
    ['a ticket id that is neither a 问题编号 nor a UUID', () => ({ method: 'POST', url: '/api/v1/tickets/123/reply', payload: { text: 'x' }, headers: holder.headers }), 400, /8 位问题编号/],
    ['a ticket that does not exist', () => ({ method: 'POST', url: '/api/v1/tickets/00000000-0000-4000-8000-000000000000/reply', payload: { text: 'x' }, headers: holder.headers }), 404, 'not_found'],
    ['saving an unanswered ticket to the knowledge base', () => ({ method: 'POST', url: `/api/v1/tickets/${ticketId}/knowledge`, payload: {}, headers: holder.headers }), 409, 'not_answered'],
  ];

  beforeAll(async () => {
    await person(t, { username: 'xxy_bad', role: 'officer', name: '信息员' });
  });

  for (const [name, request, status, expected] of cases) {
    it(name, async () => {
      const before = await snapshot();
      const res = await t.app.inject(request());
      expect(res.statusCode, res.body).toBe(status);
      const error = res.json().error;
      if (typeof expected === 'string') expect(error.code).toBe(expected);
      else expect(error.message).toMatch(expected);
      expect(error.message).toMatch(/[\u4e00-\u9fff]/);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('a closed ticket takes no reply, no close, no claim, no transfer', async () => {
    const closed = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/close`, payload: {}, headers: holder.headers });
    expect(closed.statusCode).toBe(200);
    const before = await snapshot();
    for (const [action, payload] of [['reply', { text: '补充一句' }], ['close', {}], ['claim', undefined], ['transfer', { to: 'zb_other' }]] as const) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/${action}`, payload, headers: holder.headers });
      expect(res.statusCode, `${action}: ${res.body}`).toBe(409);
      expect(res.json().error.code).toBe('ticket_closed');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('list filters that make no sense', async () => {
    for (const url of ['/api/v1/tickets?status=done', '/api/v1/tickets?view=everything', '/api/v1/tickets?category=天气', '/api/v1/tickets?limit=0', '/api/v1/tickets?before=x']) {
      const res = await t.app.inject({ method: 'GET', url, headers: holder.headers });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
    }
  });
});

describe('accounts', () => {
  const bad: [string, object, RegExp][] = [
    ['a short password', { username: 'u_short', password: '123', role: 'expert', specialties: ['植保'] }, /密码至少 8 位/],
    ['an unknown role', { username: 'u_role', password: 'long-enough-1', role: 'boss' }, /role/],
    ['an expert without a specialty', { username: 'u_nospec', password: 'long-enough-1', role: 'expert' }, /至少要有一个专业/],
    ['an unknown specialty', { username: 'u_spec', password: 'long-enough-1', role: 'expert', specialties: ['天文'] }, /专业应为/],
    ['a county outside Jining', { username: 'u_cty', password: 'long-enough-1', role: 'expert', specialties: ['植保'], counties: ['朝阳区'] }, /不是济宁的县市区/],
    ['a phone that is not one', { username: 'u_phone', password: 'long-enough-1', role: 'officer', phone: '12345' }, /手机号|联系电话/],
    ['a username with spaces', { username: 'a b', password: 'long-enough-1', role: 'officer' }, /用户名为 3 到 32 位/],
    ['working hours backwards', { username: 'u_hours', password: 'long-enough-1', role: 'expert', specialties: ['植保'], workHours: '18:00-08:00' }, /工作时间/],
  ];
  for (const [name, payload, message] of bad) {
    it(name, async () => {
      const { rows: before } = await t.db.pool.query('SELECT count(*)::int AS n FROM users');
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: adminAuth, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message).toMatch(message);
      const { rows: after } = await t.db.pool.query('SELECT count(*)::int AS n FROM users');
      expect(after[0].n).toBe(before[0].n);
    });
  }

  it('a taken username, whatever its case', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: adminAuth, payload: { username: 'ZB_Holder', password: 'long-enough-1', role: 'officer' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('username_taken');
  });
});
