import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { ALWAYS, ask, person, type Person } from './people.ts';

// Found by driving the running app as its users (session 8 probe): what an expert saves to the knowledge base
// keeps no farmer's numbers anywhere it is listed, and a follow-up is told the number of the ticket it joined.
let t: TestContext;
let expert: Person;

const FARMER = '13812340071';
const OTHER_PHONE = '13911112222';
const ID_NUMBER = '370828199001011234';

beforeAll(async () => {
  t = await createTestApp({}, { seed: true });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

async function claimAndAnswer(ticketId: string, payload: Record<string, unknown>) {
  const claimed = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/claim`, headers: expert.headers, payload: {} });
  expect(claimed.statusCode, claimed.body).toBe(200);
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: expert.headers, payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('two questions waiting in one conversation', () => {
  it('a follow-up after the expert answered the first is told that ticket’s number, not the newer one’s', async () => {
    // Nobody is at work yet: both questions wait in the team queue.
    const first = await ask(t, '金乡县家里的蓝莓叶子发红怎么回事', FARMER);
    const firstId = first.replies[0].ticketId!;
    const second = await ask(t, '金乡县俺家猕猴桃树流胶是咋回事', FARMER);
    const secondId = second.replies[0].ticketId!;
    expect(firstId).toBeTruthy();
    expect(secondId).toBeTruthy();
    expect(secondId).not.toBe(firstId);

    expert = await person(t, { username: 'probe_jingji', role: 'expert', name: '探查专家', phone: '13900000071', specialties: ['经济作物', '果树'], ...ALWAYS });
    await claimAndAnswer(firstId, { text: '多半是土壤偏碱、缺铁，先测一下土壤酸碱度。' });

    const followUp = await ask(t, '好的，那用啥药', FARMER);
    const { rows } = await t.db.pool.query(`SELECT id, status FROM tickets WHERE id = ANY($1) ORDER BY created_at`, [[firstId, secondId]]);
    expect(rows.map((r) => r.status)).toEqual(['reopened', 'open']);
    expect(followUp.replies[0].text).toContain(firstId.slice(0, 8));
    expect(followUp.replies[0].text).not.toContain(secondId.slice(0, 8));
  });
});

describe('an expert answer saved to the knowledge base', () => {
  let ticketId: string;

  it('keeps no phone or ID number in the record administrators list and review', async () => {
    const asked = await ask(t, '梁山县俺家蓝莓苗刚栽下就蔫了咋整', '13812340072');
    ticketId = asked.replies[0].ticketId!;
    expect(ticketId).toBeTruthy();
    const answered = await claimAndAnswer(ticketId, {
      text: `栽后浇透定根水，遮阴几天。拿不准打我电话 13955556666。`,
      saveToKnowledgeBase: true,
      question: `蓝莓苗栽下就蔫 联系${OTHER_PHONE} 身份证${ID_NUMBER}`,
    });
    expect(answered.knowledge.saved).toBe(true);

    for (const url of ['/api/v1/expert-answers', '/api/v1/review/expert-answers?status=all']) {
      const res = await t.app.inject({ method: 'GET', url, headers: adminAuth });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toContain('蓝莓苗栽下就蔫');
      for (const n of [OTHER_PHONE, ID_NUMBER, '13955556666']) expect(res.body, url).not.toContain(n);
    }
    const { rows } = await t.db.pool.query(`SELECT question, answer FROM expert_answers WHERE ticket_id = $1`, [ticketId]);
    expect(rows[0].question).toBe('蓝莓苗栽下就蔫 联系（电话已隐去） 身份证（身份证号已隐去）');
    expect(rows[0].answer).toContain('（电话已隐去）');
  });

  it('stays without them when an administrator corrects it', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/expert-answers', headers: adminAuth });
    const answer = list.json().answers.find((a: { ticketId: string }) => a.ticketId === ticketId);
    const edited = await t.app.inject({
      method: 'PATCH', url: `/api/v1/expert-answers/${answer.id}`, headers: adminAuth,
      payload: { answer: '栽后浇透定根水，遮阴几天。问农技站 138 1234 0073。' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.body).not.toMatch(/138\D?1234\D?0073/);
    const { rows } = await t.db.pool.query(`SELECT answer FROM expert_answers WHERE id = $1`, [answer.id]);
    expect(rows[0].answer).toBe('栽后浇透定根水，遮阴几天。问农技站 （电话已隐去）。');
  });
});
