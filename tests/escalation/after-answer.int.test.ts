import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { ALWAYS, ask, eventKinds, person, ticketRow, type Person } from './people.ts';

// Issue 12 item 8: what the farmer writes after the expert answered is answered (or the farmer is told the
// expert will see it), and 转人工 on a question an expert already has opens no second ticket.
let t: TestContext;
let expert: Person;
const QUESTION = '金乡县家里的蓝莓叶子发红怎么回事';

const ticketsOf = async (conversationId: string) =>
  (await t.db.pool.query('SELECT id, status FROM tickets WHERE conversation_id = $1 ORDER BY created_at', [conversationId])).rows;

beforeAll(async () => {
  t = await createTestApp({}, { seed: true });
  expert = await person(t, { username: 'jingji_after', role: 'expert', name: '金乡经作专家', phone: '13900000011', specialties: ['经济作物'], counties: ['金乡'], ...ALWAYS });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('after the expert answered', () => {
  it('a new question the assistant can answer is answered, and the expert still sees it', async () => {
    const phone = '13812340001';
    const asked = await ask(t, QUESTION, phone);
    const ticketId = asked.replies[0].ticketId!;
    const answered = await t.app.inject({
      method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: expert.headers, payload: { text: '先测土壤酸碱度，偏碱就浇硫酸亚铁水。' },
    });
    expect(answered.statusCode, answered.body).toBe(200);

    const next = await ask(t, '小麦条锈病咋防治？', phone);
    expect(next.replies).toHaveLength(1);
    expect(next.replies[0].escalated).toBe(false);
    expect(next.replies[0].text).toMatch(/条锈病|三唑酮|戊唑醇|粉锈宁/);
    // The message joined the expert's ticket (reopened: the expert is told), and no second ticket was made.
    expect((await ticketRow(t, ticketId)).status).toBe('reopened');
    expect(await eventKinds(t, ticketId)).toEqual(['created', 'assigned', 'answered', 'follow_up']);
    expect(await ticketsOf(asked.conversationId)).toHaveLength(1);
  });

  it('a question only an expert can answer is not left silent: the farmer is told the expert has it', async () => {
    const phone = '13812340002';
    const asked = await ask(t, QUESTION, phone);
    const ticketId = asked.replies[0].ticketId!;
    await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: expert.headers, payload: { text: '先测土壤酸碱度。' } });
    const next = await ask(t, '谢谢专家！再问一下，蓝莓叶子背面还有白点是咋回事？', phone);
    expect(next.replies).toHaveLength(1);
    expect(next.replies[0].text).toContain('金乡经作专家');
    expect(next.replies[0].text).toContain(`问题编号 ${ticketId.slice(0, 8)}`);
    expect(next.replies[0].escalated).toBe(false);
    expect(await ticketsOf(asked.conversationId)).toHaveLength(1);
  });
});

describe('转人工 on a question an expert already has', () => {
  it('opens no second ticket and names the one the farmer has, whether an expert took it or it waits in the queue', async () => {
    // 植保 has no expert here: this ticket waits unassigned (the conversation stays with the assistant).
    for (const [question, phone] of [[QUESTION, '13812340003'], ['我家小麦叶子上长了一种没见过的紫色斑块是啥病', '13812340004']]) {
      const asked = await ask(t, question, phone);
      const ticketId = asked.replies[0].ticketId!;
      expect(ticketId, asked.replies[0].text).toBeTruthy();
      const again = await ask(t, '转人工', phone);
      expect(again.replies).toHaveLength(1);
      expect(again.replies[0].ticketId).toBeUndefined();
      expect(again.replies[0].text).toContain(`问题编号 ${ticketId.slice(0, 8)}`);
      expect(again.replies[0].text).toMatch(/不用再转/);
      const tickets = await ticketsOf(asked.conversationId);
      expect(tickets.map((x) => x.id)).toEqual([ticketId]);
    }
  });
});
