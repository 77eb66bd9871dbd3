import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestContext } from '../helpers/app.ts';
import { ALWAYS, ask, bearer, person, type Person } from '../escalation/people.ts';

// Every role against every console, ticket and account route. "ok" means the role gets past
// authentication and authorisation (2xx, or a 4xx about the request itself such as 404 or 409).
const INTEGRATION = 'integration-token-0123456789';
type Role = 'anonymous' | 'tampered' | 'integration' | 'officer' | 'expertIn' | 'expertOut' | 'adminToken' | 'adminPerson';
type Expect = 401 | 403 | 'ok';
const ROLES: Role[] = ['anonymous', 'tampered', 'integration', 'officer', 'expertIn', 'expertOut', 'adminToken', 'adminPerson'];

let t: TestContext;
let headers: Record<Role, Record<string, string>>;
let expertIn: Person;
let colleague: Person;
let officerTicket: string;
let officerConversation: string;
let integrationConversation: string;

beforeAll(async () => {
  t = await createTestApp({ INTEGRATION_TOKENS: INTEGRATION });
  expertIn = await person(t, { username: 'zb_in', role: 'expert', name: '植保甲', specialties: ['植保'], ...ALWAYS, capacity: 1000 });
  colleague = await person(t, { username: 'zb_colleague', role: 'expert', name: '植保乙', specialties: ['植保'], ...ALWAYS, capacity: 1000 });
  // The colleague takes no new work: every fresh ticket goes to expertIn.
  await t.db.pool.query(`UPDATE users SET available = false WHERE id = $1`, [colleague.id]);
  const expertOut = await person(t, { username: 'sc_out', role: 'expert', name: '水产丙', specialties: ['水产'], ...ALWAYS });
  const officer = await person(t, { username: 'xxy_1', role: 'officer', name: '信息员丁', village: '王庄村', counties: ['金乡县'] });
  const admin = await person(t, { username: 'admin_1', role: 'admin', name: '管理员' });
  const tampered = `${expertIn.token.slice(0, -2)}${expertIn.token.endsWith('AA') ? 'BB' : 'AA'}`;
  headers = {
    anonymous: {}, tampered: bearer(tampered), integration: bearer(INTEGRATION), officer: officer.headers,
    expertIn: expertIn.headers, expertOut: expertOut.headers, adminToken: bearer(ADMIN_TOKEN), adminPerson: admin.headers,
  };
  const asked = await t.app.inject({
    method: 'POST', url: '/api/v1/messages', headers: officer.headers,
    payload: { text: '代问 13855556666 小麦叶子上有黄色条纹是不是条锈病', onBehalfOf: { phone: '13855556666' } },
  });
  expect(asked.statusCode, asked.body).toBe(200);
  officerTicket = asked.json().replies[0].ticketId;
  officerConversation = asked.json().conversationId;
  const own = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: bearer(INTEGRATION), payload: { text: '你好', from: { webId: 'integration-web-0001' } } });
  expect(own.statusCode, own.body).toBe(200);
  integrationConversation = own.json().conversationId;
  expect(officerTicket).toBeTruthy();
}, 180_000);
afterAll(async () => {
  await t?.close();
});

let n = 0;
/** A fresh ticket held by expertIn (植保). */
async function freshTicket(): Promise<{ id: string; conversationId: string }> {
  const res = await ask(t, `小麦条锈病第${n++}次发病用什么药`, `1390000${String(n).padStart(4, '0')}`);
  return { id: res.replies[0].ticketId!, conversationId: res.conversationId };
}

const all = (e: Expect) => Object.fromEntries(ROLES.map((r) => [r, e])) as Record<Role, Expect>;
const deny = (allowed: Role[], denied: Expect = 403): Record<Role, Expect> => ({
  ...all(denied), anonymous: 401, tampered: 401, ...Object.fromEntries(allowed.map((r) => [r, 'ok'])),
});
const WORKERS: Role[] = ['expertIn', 'expertOut', 'adminToken', 'adminPerson'];
const ADMINS: Role[] = ['adminToken', 'adminPerson'];

interface Case {
  name: string;
  /** roles left out are not tried */
  expect: Partial<Record<Role, Expect>>;
  request: () => Promise<{ method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object }>;
}

const ticketCases: Case[] = [
  { name: 'GET /api/v1/tickets', expect: deny(['officer', ...WORKERS]), request: async () => ({ method: 'GET', url: '/api/v1/tickets' }) },
  { name: 'GET /api/v1/tickets?view=queue', expect: deny(['officer', ...WORKERS]), request: async () => ({ method: 'GET', url: '/api/v1/tickets?view=queue' }) },
  { name: 'GET /api/v1/tickets/summary', expect: deny(WORKERS), request: async () => ({ method: 'GET', url: '/api/v1/tickets/summary' }) },
  { name: 'GET /api/v1/tickets/canned', expect: deny(WORKERS), request: async () => ({ method: 'GET', url: '/api/v1/tickets/canned' }) },
  { name: 'GET /api/v1/tickets/kb-search', expect: deny(WORKERS), request: async () => ({ method: 'GET', url: '/api/v1/tickets/kb-search?q=%E5%B0%8F%E9%BA%A6' }) },
  {
    name: 'GET /api/v1/tickets/:id (a farmer’s ticket)',
    expect: { ...deny(['expertIn', ...ADMINS]) },
    request: async () => ({ method: 'GET', url: `/api/v1/tickets/${(await freshTicket()).id}` }),
  },
  {
    name: 'GET /api/v1/tickets/:id (a ticket the officer asked)',
    expect: deny(['officer', 'expertIn', ...ADMINS]),
    request: async () => ({ method: 'GET', url: `/api/v1/tickets/${officerTicket}` }),
  },
  {
    name: 'POST /api/v1/tickets/:id/claim',
    expect: deny(['expertIn']),
    request: async () => ({ method: 'POST', url: `/api/v1/tickets/${(await freshTicket()).id}/claim` }),
  },
  {
    name: 'POST /api/v1/tickets/:id/reply',
    expect: deny(['expertIn', ...ADMINS]),
    request: async () => ({ method: 'POST', url: `/api/v1/tickets/${(await freshTicket()).id}/reply`, payload: { text: '按标签用药。' } }),
  },
  {
    name: 'POST /api/v1/tickets/:id/transfer',
    expect: deny(['expertIn', ...ADMINS]),
    request: async () => ({ method: 'POST', url: `/api/v1/tickets/${(await freshTicket()).id}/transfer`, payload: { to: 'zb_colleague' } }),
  },
  {
    name: 'POST /api/v1/tickets/:id/close',
    expect: deny(['expertIn', ...ADMINS]),
    request: async () => ({ method: 'POST', url: `/api/v1/tickets/${(await freshTicket()).id}/close`, payload: {} }),
  },
  {
    name: 'POST /api/v1/tickets/:id/knowledge',
    expect: deny(['expertIn', ...ADMINS]),
    request: async () => ({ method: 'POST', url: `/api/v1/tickets/${(await freshTicket()).id}/knowledge`, payload: {} }),
  },
  {
    name: 'GET /api/v1/tickets/stream (refusals only; the open stream is tested with a real socket)',
    expect: { anonymous: 401, tampered: 401, integration: 403, officer: 403 },
    request: async () => ({ method: 'GET', url: '/api/v1/tickets/stream' }),
  },
];

const accountCases: Case[] = [
  { name: 'GET /api/v1/auth/me', expect: deny(['integration', 'officer', ...WORKERS]), request: async () => ({ method: 'GET', url: '/api/v1/auth/me' }) },
  {
    name: 'POST /api/v1/users',
    expect: deny(ADMINS),
    request: async () => ({ method: 'POST', url: '/api/v1/users', payload: { username: `new_${n++}`, password: 'long-enough-1', role: 'officer' } }),
  },
  { name: 'GET /api/v1/users', expect: deny(WORKERS), request: async () => ({ method: 'GET', url: '/api/v1/users' }) },
  {
    name: 'PATCH /api/v1/users/:id',
    expect: deny(ADMINS),
    request: async () => ({ method: 'PATCH', url: `/api/v1/users/${colleague.id}`, payload: { capacity: 1000 } }),
  },
  { name: 'GET /api/v1/expert-answers', expect: deny(ADMINS), request: async () => ({ method: 'GET', url: '/api/v1/expert-answers' }) },
  {
    name: 'PATCH /api/v1/expert-answers/:id',
    expect: deny(ADMINS),
    request: async () => ({ method: 'PATCH', url: '/api/v1/expert-answers/00000000-0000-4000-8000-000000000000', payload: { answer: 'x' } }),
  },
  {
    name: 'DELETE /api/v1/expert-answers/:id',
    expect: deny(ADMINS),
    request: async () => ({ method: 'DELETE', url: '/api/v1/expert-answers/00000000-0000-4000-8000-000000000000' }),
  },
  {
    name: 'GET /api/v1/conversations/:id/messages (a farmer outside the officer’s scope, not the integration’s)',
    expect: deny(ADMINS),
    request: async () => ({ method: 'GET', url: `/api/v1/conversations/${(await freshTicket()).conversationId}/messages` }),
  },
  {
    name: 'GET /api/v1/conversations/:id/messages (the farmer the officer asked for)',
    expect: deny(['officer', ...ADMINS]),
    request: async () => ({ method: 'GET', url: `/api/v1/conversations/${officerConversation}/messages` }),
  },
  {
    name: 'POST /api/v1/messages into a farmer’s conversation by id (退订)',
    expect: { ...deny(ADMINS), expertIn: 403, expertOut: 403 },
    request: async () => ({ method: 'POST', url: '/api/v1/messages', payload: { conversationId: (await freshTicket()).conversationId, text: '退订' } }),
  },
  {
    name: 'POST /api/v1/messages into the integration’s own conversation by id',
    expect: { integration: 'ok' },
    request: async () => ({ method: 'POST', url: '/api/v1/messages', payload: { conversationId: integrationConversation, text: '你好' } }),
  },
  {
    name: 'POST /webchat/api/history (a farmer outside the officer’s scope)',
    expect: { anonymous: 401, tampered: 401, integration: 403, officer: 403, expertIn: 403, adminToken: 'ok', adminPerson: 'ok' },
    request: async () => ({ method: 'POST', url: '/webchat/api/history', payload: { phone: '13900000001' } }),
  },
  {
    name: 'POST /webchat/api/history (the farmer the officer asked for)',
    expect: { anonymous: 401, officer: 'ok', adminToken: 'ok' },
    request: async () => ({ method: 'POST', url: '/webchat/api/history', payload: { phone: '13855556666' } }),
  },
  { name: 'GET /expert (the console page itself is public)', expect: all('ok'), request: async () => ({ method: 'GET', url: '/expert' }) },
];

// The out-of-scope expert reaches the route but not the ticket: 403 out_of_scope where a ticket is named.
for (const c of ticketCases) {
  if (c.name.includes(':id') && c.expect.expertOut === 'ok') c.expect.expertOut = 403;
}

/** What a refused request must not have written: messages, conversations, consent, scope links, tickets. */
async function footprint() {
  const { rows } = await t.db.pool.query(`SELECT
      (SELECT count(*)::int FROM messages) AS messages,
      (SELECT count(*)::int FROM conversations WHERE opted_out) AS opted_out,
      (SELECT count(*)::int FROM officer_farmers) AS links,
      (SELECT count(*)::int FROM tickets) AS tickets,
      (SELECT count(*)::int FROM ticket_events) AS ticket_events`);
  return rows[0];
}

describe.each([...ticketCases, ...accountCases])('$name', (c) => {
  it.each(ROLES.filter((r) => c.expect[r] !== undefined))('%s', async (role) => {
    const req = await c.request();
    const before = await footprint();
    const res = await t.app.inject({ ...req, headers: headers[role] });
    const want = c.expect[role];
    if (want === 'ok') expect([401, 403], `${role}: ${res.body}`).not.toContain(res.statusCode);
    else {
      expect(res.statusCode, `${role}: ${res.body}`).toBe(want);
      expect(res.json().error.message).toBeTruthy();
      expect(await footprint(), 'a refused request writes nothing').toEqual(before);
    }
  });
});

describe('an expert outside the ticket’s specialty', () => {
  it('does not see it in lists either', async () => {
    const { id } = await freshTicket();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/tickets?limit=200', headers: headers.expertOut });
    expect(res.json().tickets.map((x: { id: string }) => x.id)).not.toContain(id);
    const own = await t.app.inject({ method: 'GET', url: '/api/v1/tickets?limit=200', headers: headers.expertIn });
    expect(own.json().tickets.map((x: { id: string }) => x.id)).toContain(id);
  });

  it('an officer sees only the tickets of farmers they asked for', async () => {
    await freshTicket();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/tickets?limit=200', headers: headers.officer });
    expect(res.json().tickets.map((x: { id: string }) => x.id)).toEqual([officerTicket]);
    expect(res.json().tickets[0].farmerPhone).toBe('138****6666');
  });
});

describe('an officer writing for a farmer', () => {
  it('is stored as the officer, and cannot opt the farmer out', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/messages', headers: headers.officer, payload: { conversationId: officerConversation, text: '退订' },
    });
    expect(res.statusCode, res.body).toBe(200);
    for (const r of res.json().replies) expect(r.text).toMatch(/农户本人/);
    const { rows } = await t.db.pool.query('SELECT opted_out FROM conversations WHERE id = $1', [officerConversation]);
    expect(rows[0].opted_out).toBe(false);
    const last = await t.db.pool.query(
      `SELECT author FROM messages WHERE conversation_id = $1 AND text = '退订' ORDER BY id DESC LIMIT 1`, [officerConversation],
    );
    expect(last.rows[0].author).toBe('officer');
  });
});

// ---- admin (issue 13): the bureau's routes, and a county administrator held to their county ------------
describe('the bureau’s routes', () => {
  let countyAdmin: Record<string, string>;
  const bureauRoles: Role[] = ['anonymous', 'tampered', 'integration', 'officer', 'expertIn', 'adminToken', 'adminPerson'];
  beforeAll(async () => {
    countyAdmin = (await person(t, { username: 'gly_jx', role: 'county_admin', name: '金乡县农业农村局', counties: ['金乡县'] })).headers;
  });
  const adminAuthHeaders = () => headers.adminToken;
  const as = (role: Role | 'countyAdmin') => (role === 'countyAdmin' ? countyAdmin : headers[role]);
  const bureau = { ...deny(ADMINS), countyAdmin: 'ok' as Expect };
  const cityOnly = { ...deny(ADMINS), countyAdmin: 403 as Expect };
  const cases: { name: string; expect: Record<string, Expect>; method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: object }[] = [
    { name: 'GET /api/v1/programme/progress', expect: bureau, method: 'GET', url: '/api/v1/programme/progress' },
    { name: 'GET /api/v1/programme/progress.csv', expect: bureau, method: 'GET', url: '/api/v1/programme/progress.csv' },
    { name: 'GET /api/v1/programme/reports', expect: bureau, method: 'GET', url: '/api/v1/programme/reports' },
    { name: 'POST /api/v1/programme/progress (own county)', expect: bureau, method: 'POST', url: '/api/v1/programme/progress', payload: { county: '金乡县', asOf: '2019-06-30', stationsBuilt: 1 } },
    { name: 'POST /api/v1/programme/progress (another county)', expect: { ...bureau, countyAdmin: 403 }, method: 'POST', url: '/api/v1/programme/progress', payload: { county: '邹城市', asOf: '2019-06-30', stationsBuilt: 1 } },
    { name: 'GET /api/v1/stats/service', expect: bureau, method: 'GET', url: '/api/v1/stats/service' },
    { name: 'GET /api/v1/stats/service (another county)', expect: { ...bureau, countyAdmin: 403 }, method: 'GET', url: '/api/v1/stats/service?county=邹城市' },
    { name: 'GET /api/v1/kb/documents', expect: cityOnly, method: 'GET', url: '/api/v1/kb/documents' },
    { name: 'GET /api/v1/review/expert-answers', expect: cityOnly, method: 'GET', url: '/api/v1/review/expert-answers' },
    { name: 'GET /api/v1/users', expect: { ...deny(WORKERS), countyAdmin: 403 }, method: 'GET', url: '/api/v1/users' },
    { name: 'GET /api/v1/prices', expect: bureau, method: 'GET', url: '/api/v1/prices' },
    { name: 'DELETE /api/v1/prices/:id', expect: cityOnly, method: 'DELETE', url: '/api/v1/prices/999999999' },
    { name: 'GET /api/v1/admin/posts', expect: bureau, method: 'GET', url: '/api/v1/admin/posts?kind=labor' },
    { name: 'DELETE /api/v1/posts/:id', expect: cityOnly, method: 'DELETE', url: '/api/v1/posts/00000000-0000-4000-8000-000000000000?kind=labor' },
    { name: 'GET /admin (the console page itself is public)', expect: { ...all('ok'), countyAdmin: 'ok' }, method: 'GET', url: '/admin' },
  ];
  describe.each(cases)('$name', (c) => {
    it.each([...bureauRoles, 'countyAdmin' as const])('%s', async (role) => {
      const res = await t.app.inject({ method: c.method, url: c.url, payload: c.payload, headers: as(role) });
      const want = c.expect[role];
      if (want === 'ok') expect([401, 403], `${role}: ${res.body}`).not.toContain(res.statusCode);
      else {
        expect(res.statusCode, `${role}: ${res.body}`).toBe(want);
        expect(res.json().error.message).toBeTruthy();
      }
    });
  });

  it('a county administrator sees only their county’s reports (the city administrator filed 邹城市 above)', async () => {
    const all = await t.app.inject({ method: 'GET', url: '/api/v1/programme/reports', headers: adminAuthHeaders() });
    expect(new Set(all.json().reports.map((r: { county: string }) => r.county))).toEqual(new Set(['金乡县', '邹城市']));
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/programme/reports', headers: countyAdmin });
    expect(new Set(res.json().reports.map((r: { county: string }) => r.county))).toEqual(new Set(['金乡县']));
  });
});
