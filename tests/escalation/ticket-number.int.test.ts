import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { ALWAYS, ask, person, type Person } from './people.ts';

// Issue 12 item 8: the 8-digit 问题编号 the farmer is shown works in the ticket routes and the console's
// search, matched among the tickets the caller may see.
let t: TestContext;
let local: Person;
let other: Person;
let ticketId: string;

beforeAll(async () => {
  t = await createTestApp({}, { seed: true });
  local = await person(t, { username: 'jingji_no', role: 'expert', name: '金乡经作专家', phone: '13900000021', specialties: ['经济作物'], counties: ['金乡'], ...ALWAYS });
  other = await person(t, { username: 'xumu_no', role: 'expert', name: '畜牧专家', phone: '13900000022', specialties: ['畜牧'], ...ALWAYS });
  const asked = await ask(t, '金乡县家里的蓝莓叶子发红怎么回事', '13812340031');
  ticketId = asked.replies[0].ticketId!;
  expect(ticketId).toBeTruthy();
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('the 8-digit 问题编号', () => {
  it('opens the ticket page and works for the actions, as the whole id does', async () => {
    const short = ticketId.slice(0, 8);
    for (const ref of [short, short.toUpperCase(), `#${short}`]) {
      const page = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${encodeURIComponent(ref)}`, headers: local.headers });
      expect(page.statusCode, page.body).toBe(200);
      expect(page.json().ticket?.id ?? page.json().id).toBe(ticketId);
    }
    const reply = await t.app.inject({
      method: 'POST', url: `/api/v1/tickets/${short}/reply`, headers: local.headers, payload: { text: '先测一下土壤酸碱度。' },
    });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(reply.json().ticket.id).toBe(ticketId);
  });

  it('is searched in the list, within the caller’s scope', async () => {
    const short = ticketId.slice(0, 8);
    const mine = await t.app.inject({ method: 'GET', url: `/api/v1/tickets?number=${short}`, headers: local.headers });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().tickets.map((x: { id: string }) => x.id)).toEqual([ticketId]);
    const admin = await t.app.inject({ method: 'GET', url: `/api/v1/tickets?number=${ticketId}`, headers: adminAuth });
    expect(admin.json().tickets.map((x: { id: string }) => x.id)).toEqual([ticketId]);
    // Another specialty's expert neither finds it nor opens it by its number.
    const theirs = await t.app.inject({ method: 'GET', url: `/api/v1/tickets?number=${short}`, headers: other.headers });
    expect(theirs.json().tickets).toEqual([]);
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${short}`, headers: other.headers });
    expect(page.statusCode).toBe(404);
    expect(page.json().error.message).toContain(short);
  });

  it('refuses what is no 问题编号 with a message saying what one looks like, and an ambiguous number', async () => {
    for (const bad of ['1f81', 'zzzzzzzz', '1f81309b1']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${bad}`, headers: local.headers });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(/8 位问题编号/);
    }
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tickets?number=abc', headers: local.headers });
    expect(list.statusCode).toBe(400);
    // A second ticket sharing the first 8 digits (one in 4 billion, but possible): the whole id is asked for.
    const twin = `${ticketId.slice(0, 8)}-0000-4000-8000-000000000001`;
    await t.db.pool.query(
      `WITH m AS (INSERT INTO messages (conversation_id, author, text)
                  SELECT conversation_id, 'bot', '另一个问题' FROM tickets WHERE id = $2 RETURNING id, conversation_id)
       INSERT INTO escalations (id, conversation_id, message_id, question, category, reason) SELECT $1, conversation_id, id, '另一个问题', '经济作物', 'test' FROM m`,
      [twin, ticketId],
    );
    await t.db.pool.query(
      `INSERT INTO tickets (id, conversation_id, category, priority, county, question, due_at, status)
       SELECT $1, conversation_id, category, priority, county, question, due_at, 'open' FROM tickets WHERE id = $2`,
      [twin, ticketId],
    );
    const both = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId.slice(0, 8)}`, headers: adminAuth });
    expect(both.statusCode).toBe(409);
    expect(both.json().error.message).toMatch(/完整编号/);
    const whole = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${twin}`, headers: adminAuth });
    expect(whole.statusCode).toBe(200);
  });
});
