import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestContext } from '../helpers/app.ts';
import { ask, bearer, person, type Person } from '../escalation/people.ts';

// The record scope (issue 12 item 1) as a matrix: every kind of caller against farmers' conversations, their
// history, writing into them by id and 退订. An officer sees the farmers of their county (with no county, of
// their village) and those they asked for; an integration only the conversations it opened. Every refusal is
// checked to have written nothing; every officer's write to have been stored as the officer's.
const INTEGRATION = 'integration-token-0123456789';
const OTHER_INTEGRATION = 'other-integration-token-9876543210';
type Role = 'anonymous' | 'integration' | 'otherIntegration' | 'asker' | 'neighbour' | 'villageOnly' | 'stranger' | 'expert' | 'admin';
type Expect = 401 | 403 | 'ok';
const ROLES: Role[] = ['anonymous', 'integration', 'otherIntegration', 'asker', 'neighbour', 'villageOnly', 'stranger', 'expert', 'admin'];
const OFFICERS: Role[] = ['asker', 'neighbour', 'villageOnly', 'stranger'];

let t: TestContext;
let headers: Record<Role, Record<string, string>>;
let people: Partial<Record<Role, Person>>;
/** the farmer `asker` (金乡县, 王庄村) asked for */
const ASKED = '13855550001';
/** a farmer who wrote in themselves; nobody asked for them and their place is unknown */
const UNKNOWN = '13855550002';
/** a farmer who said they live in 嘉祥县 */
const JIAXIANG = '13855550003';
const conversations: Record<'asked' | 'unknown' | 'jiaxiang' | 'integration', string> = { asked: '', unknown: '', jiaxiang: '', integration: '' };

beforeAll(async () => {
  t = await createTestApp({ INTEGRATION_TOKENS: `${INTEGRATION},${OTHER_INTEGRATION}` });
  people = {
    asker: await person(t, { username: 'xxy_asker', role: 'officer', name: '金乡王庄信息员', counties: ['金乡县'], village: '王庄村' }),
    neighbour: await person(t, { username: 'xxy_neighbour', role: 'officer', name: '金乡李庄信息员', counties: ['金乡县'], village: '李庄村' }),
    villageOnly: await person(t, { username: 'xxy_village', role: 'officer', name: '王庄村信息员', village: '王庄村' }),
    stranger: await person(t, { username: 'xxy_stranger', role: 'officer', name: '嘉祥信息员', counties: ['嘉祥县'], village: '马村' }),
    expert: await person(t, { username: 'zj_scope', role: 'expert', name: '植保专家', specialties: ['植保'] }),
  };
  headers = {
    anonymous: {}, integration: bearer(INTEGRATION), otherIntegration: bearer(OTHER_INTEGRATION), admin: bearer(ADMIN_TOKEN),
    asker: people.asker!.headers, neighbour: people.neighbour!.headers, villageOnly: people.villageOnly!.headers,
    stranger: people.stranger!.headers, expert: people.expert!.headers,
  };
  const asked = await t.app.inject({
    method: 'POST', url: '/api/v1/messages', headers: headers.asker, payload: { text: '大蒜今天什么价', onBehalfOf: { phone: ASKED } },
  });
  expect(asked.statusCode, asked.body).toBe(200);
  conversations.asked = asked.json().conversationId;
  conversations.unknown = (await ask(t, '小麦什么时候浇越冬水', UNKNOWN)).conversationId;
  conversations.jiaxiang = (await ask(t, '俺是嘉祥县的', JIAXIANG)).conversationId;
  const own = await t.app.inject({
    method: 'POST', url: '/api/v1/messages', headers: headers.integration, payload: { text: '你好', from: { webId: 'bot-farmer-0001' } },
  });
  expect(own.statusCode, own.body).toBe(200);
  conversations.integration = own.json().conversationId;
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const deny = (allowed: Role[], denied: Expect = 403): Record<Role, Expect> => ({
  ...(Object.fromEntries(ROLES.map((r) => [r, denied])) as Record<Role, Expect>),
  anonymous: 401,
  ...Object.fromEntries(allowed.map((r) => [r, 'ok'])),
});

/** Who may read and write each farmer's conversation. */
const SCOPE: Record<keyof typeof conversations, Role[]> = {
  // asked for by asker; placed in 金乡县 王庄村 by that 代问
  asked: ['asker', 'neighbour', 'villageOnly', 'admin'],
  unknown: ['admin'],
  // the farmer said 嘉祥县 themselves
  jiaxiang: ['stranger', 'admin'],
  integration: ['integration', 'admin'],
};
const PHONES = { asked: ASKED, unknown: UNKNOWN, jiaxiang: JIAXIANG } as const;

interface Case {
  name: string;
  expect: Record<Role, Expect>;
  request: () => { method: 'GET' | 'POST'; url: string; payload?: object };
  /** the conversation a write goes into, for the checks after it */
  writesInto?: keyof typeof conversations;
  text?: string;
}

const cases: Case[] = [];
for (const target of Object.keys(SCOPE) as (keyof typeof conversations)[]) {
  cases.push({
    name: `GET /api/v1/conversations/:id/messages (${target})`,
    expect: deny(SCOPE[target]),
    request: () => ({ method: 'GET', url: `/api/v1/conversations/${conversations[target]}/messages` }),
  });
  for (const text of ['玉米现在能不能追肥', '退订']) {
    cases.push({
      name: `POST /api/v1/messages {conversationId, "${text}"} (${target})`,
      expect: deny(SCOPE[target]),
      request: () => ({ method: 'POST', url: '/api/v1/messages', payload: { conversationId: conversations[target], text } }),
      writesInto: target,
      text,
    });
  }
}
for (const target of Object.keys(PHONES) as (keyof typeof PHONES)[]) {
  cases.push({
    name: `POST /webchat/api/history {phone} (${target})`,
    // integration and expert tokens are not for the chat page at all
    expect: deny(SCOPE[target]),
    request: () => ({ method: 'POST', url: '/webchat/api/history', payload: { phone: PHONES[target] } }),
  });
}
cases.push({
  // The first integration opened this device's conversation: the other one may not write into it by naming
  // the same device id. An officer must name the farmer with onBehalfOf.
  name: 'POST /api/v1/messages {from: {webId}} (opened by the first integration)',
  expect: deny(['integration', 'admin']),
  request: () => ({ method: 'POST', url: '/api/v1/messages', payload: { from: { webId: 'bot-farmer-0001' }, text: '你好' } }),
});

/** Everything a refused request could have written. */
async function footprint() {
  const { rows } = await t.db.pool.query(`SELECT
      (SELECT count(*)::int FROM messages) AS messages,
      (SELECT count(*)::int FROM conversations) AS conversations,
      (SELECT count(*)::int FROM conversations WHERE opted_out) AS opted_out,
      (SELECT count(*)::int FROM officer_farmers) AS links,
      (SELECT count(*)::int FROM farmers) AS farmers,
      (SELECT count(*)::int FROM tickets) AS tickets`);
  return rows[0];
}

async function optedOut(conversationId: string): Promise<boolean> {
  const { rows } = await t.db.pool.query('SELECT opted_out FROM conversations WHERE id = $1', [conversationId]);
  return rows[0].opted_out;
}

describe.each(cases)('$name', (c) => {
  it.each(ROLES)('%s', async (role) => {
    const want = c.expect[role];
    const before = await footprint();
    const conversationId = c.writesInto && conversations[c.writesInto];
    const wasOptedOut = conversationId ? await optedOut(conversationId) : undefined;
    const res = await t.app.inject({ ...c.request(), headers: headers[role] });
    if (want !== 'ok') {
      expect(res.statusCode, `${role}: ${res.body}`).toBe(want);
      expect(res.json().error.message, res.body).toMatch(/[\u4e00-\u9fff]/);
      expect(await footprint(), 'a refused request writes nothing').toEqual(before);
      return;
    }
    expect(res.statusCode, `${role}: ${res.body}`).toBe(200);
    if (!conversationId || !OFFICERS.includes(role)) return;
    // An officer's words are stored as the officer's, and never opt the farmer out (or back in).
    const { rows } = await t.db.pool.query(
      `SELECT author, author_id FROM messages WHERE conversation_id = $1 AND text = $2 AND author <> 'bot' ORDER BY id DESC LIMIT 1`,
      [conversationId, c.text],
    );
    expect(rows[0]).toEqual({ author: 'officer', author_id: people[role]!.id });
    expect(await optedOut(conversationId)).toBe(wasOptedOut);
    if (c.text === '退订') expect(res.json().replies[0].text).toMatch(/农户本人/);
  });
});

describe('asking for a farmer (代问) brings them into the officer’s scope', () => {
  it('the stranger cannot read a farmer until they ask for them, then can', async () => {
    const phone = '13855550009';
    await ask(t, '羊拉稀怎么办', phone);
    const history = () => t.app.inject({ method: 'POST', url: '/webchat/api/history', headers: headers.stranger, payload: { phone } });
    const refused = await history();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('out_of_scope');
    const asked = await t.app.inject({
      method: 'POST', url: '/api/v1/messages', headers: headers.stranger, payload: { text: '羊拉稀吃什么药', onBehalfOf: { phone } },
    });
    expect(asked.statusCode, asked.body).toBe(200);
    const record = await history();
    expect(record.statusCode).toBe(200);
    expect(record.json().messages.map((m: { author: string; text: string }) => [m.author, m.text])).toEqual(
      expect.arrayContaining([['farmer', '羊拉稀怎么办'], ['officer', '羊拉稀吃什么药']]),
    );
  });

  it('the farmer’s own 退订 still opts them out, and the officer’s later question does not opt them back in', async () => {
    const phone = '13855550010';
    const { conversationId } = await ask(t, '退订', phone);
    expect(await optedOut(conversationId)).toBe(true);
    const asked = await t.app.inject({
      method: 'POST', url: '/api/v1/messages', headers: headers.asker, payload: { text: '大蒜今天什么价', onBehalfOf: { phone } },
    });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json().conversationId).toBe(conversationId);
    expect(await optedOut(conversationId)).toBe(true);
  });
});
