import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { ALWAYS, ask, person, type Person } from '../escalation/people.ts';
import { chinaToday } from '../../src/data/fields.ts';

let t: TestContext;
let expert: Person;

beforeAll(async () => {
  t = await createTestApp({}, { seed: true });
  expert = await person(t, { username: 'zb_stats', role: 'expert', name: '植保专家', specialties: ['植保'], ...ALWAYS, capacity: 1000 });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

const stats = async (query = '') => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/stats/service${query}`, headers: adminAuth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('service figures', () => {
  it('count turns, answers and escalations; group the unanswered by what they ask; time the experts', async () => {
    // whether the first is answered depends on the calibrated operating point: the figures count what happened
    const first = await ask(t, '小麦条锈病用什么药', '13900000001');
    const a = await ask(t, '我家小麦叶子上长了奇怪的紫色斑点还卷曲，是什么病', '13900000002');
    const b = await ask(t, '小麦叶子长紫色斑点卷曲了怎么办', '13900000003');
    const escalated = [first, a, b].filter((r) => r.replies[0].escalated);
    expect([a, b].some((r) => r.replies[0].escalated)).toBe(true);
    expect(escalated.length).toBeGreaterThan(0);
    const ticketId = escalated.find((r) => r !== first)!.replies[0].ticketId!;
    const reply = await t.app.inject({
      method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: expert.headers, payload: { text: '可能是缺磷，请拍照给农技站看。' },
    });
    expect(reply.statusCode, reply.body).toBe(200);

    const s = await stats();
    expect(s.turns).toBe(3);
    expect(s.byChannel).toEqual({ api: 3 });
    expect(s.answered + s.escalated).toBe(3);
    expect(s.escalated).toBe(escalated.length);
    expect(Object.values(s.byIntent).reduce((n: number, v) => n + (v as number), 0)).toBe(3);
    expect(s.topUnanswered.reduce((n: number, g: { count: number }) => n + g.count, 0)).toBe(escalated.length);
    expect(s.topUnanswered[0].question).toContain('紫色斑点');
    expect(s.medianFirstResponseMinutes).toBeGreaterThanOrEqual(0);
    expect(s.slaMetShare).toBe(1);
    expect(s.byExpert).toEqual([expect.objectContaining({ username: 'zb_stats', answered: 1, overdue: 0 })]);
    expect(s.byDay).toEqual([expect.objectContaining({ day: chinaToday(), channel: 'api', turns: 3 })]);
    expect(s.ticketsOpen).toBe(escalated.length - 1);
  });

  it('a day range without turns is all zeros, not an error', async () => {
    const s = await stats('?from=2020-01-01&to=2020-01-31');
    expect(s).toMatchObject({ turns: 0, answered: 0, escalated: 0, ticketsOpen: 0, medianFirstResponseMinutes: null, slaMetShare: null, topUnanswered: [] });
  });

  it.each([
    ['?from=2026-02-30', '不存在'],
    ['?from=2026-03-01&to=2026-02-01', '晚于'],
    ['?from=2020-01-01&to=2026-01-01', '最多统计'],
    ['?county=寿光', '不是济宁'],
  ])('refuses %s in Chinese', async (query, words) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/stats/service${query}`, headers: adminAuth });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(words);
  });
});
