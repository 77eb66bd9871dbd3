import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { ask } from '../escalation/people.ts';

// What the probe found: by county, turns and escalations were counted by the conversation's county but
// tickets by the county the question named, so a county's page showed escalations with no tickets (and
// tickets with no turns). Every figure now counts by the conversation's county (src/stats/service.ts).
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({}, { seed: true });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

const stats = async (county: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/stats/service?county=${encodeURIComponent(county)}`, headers: adminAuth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('county figures count turns and tickets the same way', () => {
  it('a 嘉祥县 farmer asking about 金乡县 counts for 嘉祥县 in every figure', async () => {
    const phone = '13900000101';
    await ask(t, '俺是嘉祥县的', phone);
    const asked = await ask(t, '金乡县俺家蒜地里冒出一种从没见过的紫色怪虫子，专家给看看', phone);
    const first = asked.replies[0];
    const ticketId = first.escalated ? first.ticketId! : (await ask(t, '转人工', phone)).replies[0].ticketId!;
    expect(ticketId).toBeTruthy();
    const { rows: [row] } = await t.db.pool.query<{ ticket: string | null; conversation: string | null }>(
      `SELECT t.county AS ticket, c.county AS conversation FROM tickets t JOIN conversations c ON c.id = t.conversation_id WHERE t.id = $1`, [ticketId],
    );
    expect(row.conversation).toBe('嘉祥县');

    const jiaxiang = await stats('嘉祥县');
    expect(jiaxiang.turns).toBeGreaterThanOrEqual(2);
    const { rows: [made] } = await t.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tickets t JOIN conversations c ON c.id = t.conversation_id WHERE c.county = '嘉祥县'`,
    );
    expect(made.n).toBeGreaterThanOrEqual(1);
    // every escalated reply made one ticket, and every one is counted on the same side
    expect(jiaxiang.escalated).toBe(made.n);
    expect(jiaxiang.ticketsOpen).toBe(made.n);
    expect(jiaxiang.topUnanswered.reduce((n: number, g: { count: number }) => n + g.count, 0)).toBe(made.n);

    const named = await stats('金乡县');
    expect(named).toMatchObject({ turns: 0, escalated: 0, ticketsOpen: 0, topUnanswered: [] });
  });
});
