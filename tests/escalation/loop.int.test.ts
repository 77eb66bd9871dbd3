import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';
import { findOrCreateConversation, getConversation } from '../../src/conversations/store.ts';
import type { Message } from '../../src/conversations/types.ts';
import { ALWAYS, ask, eventKinds, person, ticketRow, type Person } from './people.ts';

// The whole loop on the shipped knowledge: a question the knowledge base cannot answer goes to the expert
// team, an expert answers it on the farmer's channel, follow-ups reach that expert, and the saved answer
// lets the assistant answer the next farmer at once.
let t: TestContext;
let local: Person; // 经济作物, 金乡县
let cityWide: Person; // 经济作物, whole city
let plantDoctor: Person; // 植保

const QUESTION = '金乡县家里的蓝莓叶子发红怎么回事';
const ANSWER = '蓝莓叶子发红多半是土壤偏碱、缺铁或受冻。先测一下土壤酸碱度，pH高于5.5就每株浇硫酸亚铁水，再盖一层松针或腐熟木屑保湿。';

beforeAll(async () => {
  t = await createTestApp({}, { seed: true });
  local = await person(t, { username: 'jingji_jx', role: 'expert', name: '金乡经作专家', phone: '13900000001', specialties: ['经济作物'], counties: ['金乡'], ...ALWAYS });
  cityWide = await person(t, { username: 'jingji_city', role: 'expert', name: '市经作专家', phone: '13900000002', specialties: ['经济作物', '果树'], ...ALWAYS });
  plantDoctor = await person(t, { username: 'zhibao_1', role: 'expert', name: '植保专家', phone: '13900000003', specialties: ['植保'], ...ALWAYS });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('a question the assistant cannot answer', () => {
  let ticketId: string;
  let conversationId: string;

  it('becomes a ticket routed to the county’s expert, and the farmer is told who and by when', async () => {
    const res = await ask(t, QUESTION, '13812341234');
    conversationId = res.conversationId;
    const reply = res.replies[0];
    expect(reply.escalated).toBe(true);
    expect(reply.ticketId).toBeTruthy();
    ticketId = reply.ticketId!;
    expect(reply.text).toMatch(/由金乡经作专家负责，预计.+前答复/);
    const row = await ticketRow(t, ticketId);
    expect(row).toMatchObject({ status: 'assigned', assignee_id: local.id });
    expect(await eventKinds(t, ticketId)).toEqual(['created', 'assigned']);
    expect((await getConversation(t.db.pool, conversationId))!.mode).toBe('expert');
    // The expert is told by SMS through the outbox.
    const { rows } = await t.db.pool.query(`SELECT text FROM sms_outbox WHERE phone = '13900000001' AND kind = 'notify'`);
    expect(rows[0].text).toMatch(/新问题（经济作物·金乡县）/);
  });

  it('shows in the expert’s own list with the phone masked, and the ticket page has the conversation', async () => {
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/tickets?view=mine', headers: local.headers });
    expect(mine.statusCode).toBe(200);
    const item = mine.json().tickets.find((x: { id: string }) => x.id === ticketId);
    expect(item).toMatchObject({ status: 'assigned', category: '经济作物', county: '金乡县', conversationId, farmerPhone: '138****1234' });
    expect(item.assignee.id).toBe(local.id);
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: local.headers });
    expect(page.statusCode).toBe(200);
    const detail = page.json();
    expect(detail.messages.map((m: { author: string }) => m.author)).toEqual(['farmer', 'bot']);
    expect(JSON.stringify(detail)).not.toContain('13812341234');
    expect(Array.isArray(detail.passages)).toBe(true);
  });

  it('another expert may not answer it', async () => {
    const res = await t.app.inject({
      method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: cityWide.headers, payload: { text: '我来答' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('not_yours');
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND author = 'expert'`, [conversationId]);
    expect(rows[0].n).toBe(0);
  });

  it('the expert’s reply reaches the farmer’s conversation, live and through the messages API', async () => {
    const live: Message[] = [];
    const stop = t.events.subscribe(conversationId, (m) => live.push(m));
    const res = await t.app.inject({
      method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: local.headers, payload: { text: ANSWER },
    });
    stop();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ticket: { status: 'answered' }, delivery: { channel: 'api', sms: [] } });
    expect(live.map((m) => [m.author, m.text])).toEqual([['expert', ANSWER]]);
    const msgs = await t.app.inject({ method: 'GET', url: `/api/v1/conversations/${conversationId}/messages`, headers: adminAuth });
    expect(msgs.json().messages.at(-1)).toMatchObject({ author: 'expert', text: ANSWER });
  });

  it('a follow-up goes to the same expert, and the farmer is told so instead of hearing nothing', async () => {
    const res = await ask(t, '那浇了硫酸亚铁多久能转绿？', '13812341234');
    expect(res.replies).toHaveLength(1);
    expect(res.replies[0].escalated).toBe(false);
    expect((await ticketRow(t, ticketId)).status).toBe('reopened');
    expect(await eventKinds(t, ticketId)).toContain('follow_up');
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: local.headers });
    expect(page.json().messages.at(-2)).toMatchObject({ author: 'farmer', text: '那浇了硫酸亚铁多久能转绿？' });
    expect(res.replies[0].text).toMatch(/已转给金乡经作专家.*专家看到后会答复您/);
  });

  it('the second answer is saved to the knowledge base as a reviewed Q&A, and closing hands back', async () => {
    const res = await t.app.inject({
      method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: local.headers,
      payload: { text: ANSWER, saveToKnowledgeBase: true, question: '蓝莓叶子发红怎么回事' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const saved = res.json().knowledge;
    expect(saved.saved).toBe(true);
    const { rows: docs } = await t.db.pool.query(
      `SELECT title, category, county, source, reviewed, format, doc_date FROM kb_documents WHERE id = $1`, [saved.answer.documentId],
    );
    expect(docs[0]).toMatchObject({ title: '蓝莓叶子发红怎么回事', category: 'agronomy', county: '金乡县', source: '金乡经作专家（经济作物专家）', reviewed: true, format: 'qa' });
    expect(docs[0].doc_date).toBeTruthy();

    const closed = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/close`, headers: local.headers, payload: {} });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().status).toBe('closed');
    expect((await getConversation(t.db.pool, conversationId))!.mode).toBe('bot');
    expect(await eventKinds(t, ticketId)).toEqual(['created', 'assigned', 'answered', 'follow_up', 'answered', 'saved_to_kb', 'closed']);
  });

  it('the next farmer asking the same thing gets the expert’s answer at once, cited as the expert’s', async () => {
    for (const [text, phone] of [[QUESTION, '13812345678'], ['蓝莓叶子发红是怎么回事', '13812345679']]) {
      const res = await ask(t, text, phone);
      const reply = res.replies[0];
      expect(reply.escalated, `${text}: ${reply.text}`).toBe(false);
      expect(reply.text).toContain('硫酸亚铁');
      expect(reply.citations[0].title).toMatch(/（专家答复）$/);
    }
  });

  it('an administrator can correct the saved answer and retire it', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/expert-answers', headers: adminAuth });
    const answer = list.json().answers.find((a: { ticketId: string }) => a.ticketId === ticketId);
    expect(answer).toBeTruthy();
    const edited = await t.app.inject({
      method: 'PATCH', url: `/api/v1/expert-answers/${answer.id}`, headers: adminAuth,
      payload: { answer: `${ANSWER}也可以叶面喷0.2%的螯合铁。` },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const { rows } = await t.db.pool.query(`SELECT content FROM kb_documents WHERE id = $1`, [edited.json().documentId]);
    expect(rows[0].content).toContain('螯合铁');

    const retired = await t.app.inject({ method: 'DELETE', url: `/api/v1/expert-answers/${answer.id}`, headers: adminAuth });
    expect(retired.statusCode).toBe(200);
    expect(retired.json().retiredAt).toBeTruthy();
    const { rows: gone } = await t.db.pool.query(`SELECT 1 FROM kb_documents WHERE source_key = $1`, [`expert:${ticketId}`]);
    expect(gone).toEqual([]);
    const res = await ask(t, QUESTION, '13812345670');
    expect(res.replies[0].text).not.toContain('螯合铁');
  });
});

// The knowledge base answers grape downy mildew itself: the farmer here asks about blueberries, which it does not cover.
describe('an SMS farmer', () => {
  it('gets the expert’s answer through the SMS outbox', async () => {
    const conversation = await findOrCreateConversation(t.db.pool, { channel: 'sms', phone: '13700001111' });
    const turn = await t.say({ conversationId: conversation.id, text: '我家蓝莓叶子背面长了白毛是啥病', channelMessageId: 'gw-1' });
    const ticketId = Object.values(turn.tickets)[0];
    expect(ticketId).toBeTruthy();
    const row = await ticketRow(t, ticketId);
    const expert = [local, cityWide, plantDoctor].find((p) => p.id === row.assignee_id)!;
    expect(expert).toBeTruthy();
    const text = '这像是霜霉病。雨后及时排水，摘掉病叶，用烯酰吗啉或霜脲氰锰锌喷叶背，7到10天一次。';
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: expert.headers, payload: { text } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().delivery.channel).toBe('sms');
    expect(res.json().delivery.sms.length).toBeGreaterThan(0);
    const { rows } = await t.db.pool.query(
      `SELECT phone, kind, text, message_id::text FROM sms_outbox WHERE phone = '13700001111' AND kind = 'expert'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].text).toContain('霜霉病');
    expect(rows[0].message_id).toBe(res.json().message.id);
  });
});
