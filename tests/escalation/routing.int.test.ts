import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { withTransaction } from '../../src/db/pool.ts';
import { getConversation } from '../../src/conversations/store.ts';
import { ALWAYS, ask, eventKinds, person, ticketRow, type Person } from './people.ts';

// Routing, the queue, claim and transfer, idempotency, SLA times and the sweep, on a clock the test moves.
// China time is UTC+8: 2026-11-27 is a Friday.
let now = new Date('2026-11-27T06:00:00Z'); // Friday 14:00
let t: TestContext;
let jinxiang: Person; // 植保, 金乡县, team hours, capacity 2
let city: Person; // 植保, whole city, team hours
let yutaiNight: Person; // 植保, 鱼台县, around the clock
let grainAway: Person; // 粮食作物, on leave
let grain1: Person; // 粮食作物, team hours
let grain2: Person; // 粮食作物, team hours

beforeAll(async () => {
  t = await createTestApp({}, { clock: () => now });
  jinxiang = await person(t, { username: 'zb_jinxiang', role: 'expert', name: '金乡植保', phone: '13900000011', specialties: ['植保'], counties: ['金乡县'], capacity: 2 });
  city = await person(t, { username: 'zb_city', role: 'expert', name: '市植保', phone: '13900000012', specialties: ['植保'] });
  yutaiNight = await person(t, { username: 'zb_yutai', role: 'expert', name: '鱼台植保', phone: '13900000013', specialties: ['植保'], counties: ['鱼台县'], ...ALWAYS });
  grainAway = await person(t, { username: 'ls_away', role: 'expert', name: '休假粮作', specialties: ['粮食作物'], ...ALWAYS });
  const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${grainAway.id}`, headers: { authorization: 'Bearer test-admin-token-0123456789' }, payload: { available: false } });
  expect(res.statusCode).toBe(200);
  grain1 = await person(t, { username: 'ls_one', role: 'expert', name: '粮作一', phone: '13900000014', specialties: ['粮食作物'] });
  grain2 = await person(t, { username: 'ls_two', role: 'expert', name: '粮作二', phone: '13900000015', specialties: ['粮食作物'] });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

let phoneNo = 0;
async function escalate(text: string): Promise<{ ticketId: string; reply: string; conversationId: string }> {
  const res = await ask(t, text, `1380000${String(phoneNo++).padStart(4, '0')}`);
  expect(res.replies[0]?.escalated, res.replies[0]?.text).toBe(true);
  return { ticketId: res.replies[0].ticketId!, reply: res.replies[0].text, conversationId: res.conversationId };
}

describe('routing', () => {
  it('goes to the least-loaded expert at work whose specialty and county match, the county’s own first', async () => {
    const first = await escalate('金乡县小麦得了条锈病怎么办');
    expect((await ticketRow(t, first.ticketId)).assignee_id).toBe(jinxiang.id);
    const second = await escalate('金乡县小麦叶子上有锈斑用什么药');
    expect((await ticketRow(t, second.ticketId)).assignee_id).toBe(city.id);
    const third = await escalate('金乡县小麦纹枯病咋治');
    expect((await ticketRow(t, third.ticketId)).assignee_id).toBe(jinxiang.id);
    // 金乡植保 is at capacity (2): the city-wide expert takes the next.
    const fourth = await escalate('金乡县小麦白粉病怎么防');
    expect((await ticketRow(t, fourth.ticketId)).assignee_id).toBe(city.id);
    const { rows } = await t.db.pool.query(`SELECT detail FROM ticket_events WHERE ticket_id = $1 AND kind = 'assigned'`, [first.ticketId]);
    expect(rows[0].detail.rule).toBe('specialty+county');
  });

  it('out of hours goes to any expert of the specialty at work, and with none to the team queue', async () => {
    now = new Date('2026-11-27T18:00:00Z'); // Saturday 02:00
    const night = await escalate('金乡县玉米螟虫害严重咋办');
    expect((await ticketRow(t, night.ticketId)).assignee_id).toBe(yutaiNight.id);
    const { rows } = await t.db.pool.query(`SELECT detail FROM ticket_events WHERE ticket_id = $1 AND kind = 'assigned'`, [night.ticketId]);
    expect(rows[0].detail.rule).toBe('specialty');

    const queued = await escalate('玉米种植密度一亩多少株合适');
    const row = await ticketRow(t, queued.ticketId);
    expect(row.assignee_id).toBeNull();
    expect(row.status).toBe('open');
    // 4 working hours from Saturday 02:00 with Monday–Friday 08:00–18:00: Monday 12:00 China time.
    expect(new Date(row.due_at).toISOString()).toBe('2026-11-30T04:00:00.000Z');
    expect(queued.reply).toMatch(/预计11月30日 12:00前答复|预计后天12:00前答复/);
    expect(await eventKinds(t, queued.ticketId)).toEqual(['created', 'queued']);
    expect((await getConversation(t.db.pool, queued.conversationId))!.mode).toBe('bot');
    const second = await escalate('小麦播种量一亩多少斤');
    expect(second.reply).toMatch(/前面还有1个问题在排队/);
  });

  it('an urgent question gets the short SLA', async () => {
    now = new Date('2026-11-30T01:00:00Z'); // Monday 09:00
    const { ticketId } = await escalate('我家鸡死了好几只是咋回事');
    const row = await ticketRow(t, ticketId);
    expect(row.priority).toBe(1);
    expect(new Date(row.due_at).toISOString()).toBe('2026-11-30T02:00:00.000Z');
  });
});

describe('the queue', () => {
  let queued: string;
  beforeAll(async () => {
    now = new Date('2026-11-28T18:00:00Z'); // Sunday 02:00: the grain experts are off
    queued = (await escalate('玉米出苗不齐是什么原因')).ticketId;
  });

  it('lists unassigned tickets for experts of the specialty, not for others', async () => {
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/tickets?view=queue', headers: grain1.headers });
    expect(mine.json().tickets.map((x: { id: string }) => x.id)).toContain(queued);
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/tickets?view=queue', headers: city.headers });
    expect(other.json().tickets.map((x: { id: string }) => x.id)).not.toContain(queued);
    const summary = await t.app.inject({ method: 'GET', url: '/api/v1/tickets/summary', headers: grain1.headers });
    expect(summary.json().queue).toBeGreaterThanOrEqual(1);
  });

  it('an expert claims it; a second claim and an out-of-scope claim are refused', async () => {
    const claim = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${queued}/claim`, headers: grain1.headers });
    expect(claim.statusCode).toBe(200);
    expect(claim.json()).toMatchObject({ status: 'assigned', assignee: { id: grain1.id } });
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${queued}/claim`, headers: grain1.headers });
    expect(again.statusCode).toBe(200);
    const late = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${queued}/claim`, headers: grain2.headers });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('already_assigned');
    const outside = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${queued}/claim`, headers: city.headers });
    expect(outside.statusCode).toBe(403);
    expect((await ticketRow(t, queued)).assignee_id).toBe(grain1.id);
    expect(await eventKinds(t, queued)).toEqual(['created', 'queued', 'claimed']);
  });

  it('the holder transfers it to a colleague, who is told by SMS', async () => {
    const res = await t.app.inject({
      method: 'POST', url: `/api/v1/tickets/${queued}/transfer`, headers: grain1.headers, payload: { to: 'ls_two', note: '他更熟悉玉米' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().assignee.id).toBe(grain2.id);
    const { rows } = await t.db.pool.query(`SELECT text FROM sms_outbox WHERE phone = '13900000015' AND kind = 'notify'`);
    expect(rows.at(-1).text).toMatch(/转给您一个问题/);
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${queued}`, headers: grain2.headers });
    expect(page.json().events.at(-1)).toMatchObject({ kind: 'transferred', actor: 'ls_one', assignee: '粮作二', note: '他更熟悉玉米' });
  });
});

describe('idempotency', () => {
  it('a resent turn makes one ticket', async () => {
    now = new Date('2026-11-30T02:00:00Z');
    const body = { messageId: 'client-42' };
    const a = await ask(t, '小麦返青期怎么浇水', '13811110000', body);
    const b = await ask(t, '小麦返青期怎么浇水', '13811110000', body);
    expect(b.duplicate).toBe(true);
    expect(b.replies[0].id).toBe(a.replies[0].id);
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM tickets WHERE conversation_id = $1`, [a.conversationId]);
    expect(rows[0].n).toBe(1);
  });

  it('the hook called twice for one escalation makes one ticket', async () => {
    const { ticketId, conversationId } = await escalate('小麦冬前除草用什么药');
    const conversation = (await getConversation(t.db.pool, conversationId))!;
    const { rows: msg } = await t.db.pool.query(`SELECT message_id::text AS id FROM escalations WHERE id = $1`, [ticketId]);
    await withTransaction(t.db.pool, (q) =>
      t.escalation.hooks.onEscalated(q, {
        escalationId: ticketId, conversation, question: 'x', onBehalfOf: null, askedBy: null,
        reply: { id: msg[0].id, text: '', replyTo: null } as never,
      }),
    );
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM tickets WHERE id = $1`, [ticketId]);
    expect(rows[0].n).toBe(1);
    expect((await eventKinds(t, ticketId)).filter((k) => k === 'created')).toHaveLength(1);
  });
});

describe('the sweep (SLA reminders, auto-close, expiry)', () => {
  it('reminds the holder of an overdue ticket once, by SMS and in the history', async () => {
    now = new Date('2026-11-30T02:00:00Z'); // Monday 10:00
    const { ticketId } = await escalate('金乡县大蒜叶枯病用什么药');
    const holder = (await ticketRow(t, ticketId)).assignee_id;
    const phone = holder === jinxiang.id ? '13900000011' : '13900000012';
    now = new Date('2026-11-30T08:00:00Z'); // 16:00: past the due time (14:00)
    const first = await t.escalation.sweep();
    expect(first.ran).toBe(true);
    expect(first.overdue).toBeGreaterThanOrEqual(1);
    expect(await eventKinds(t, ticketId)).toContain('overdue');
    const { rows } = await t.db.pool.query(`SELECT text FROM sms_outbox WHERE phone = $1 AND text LIKE '%超时%'`, [phone]);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const second = await t.escalation.sweep();
    expect(second.overdue).toBe(0);
  });

  it('closes an answered ticket the farmer let rest, and hands the conversation back', async () => {
    now = new Date('2026-11-30T03:00:00Z');
    const { ticketId, conversationId } = await escalate('金乡县大蒜根腥病怎么防治');
    const assignee = (await ticketRow(t, ticketId)).assignee_id;
    const expert = [jinxiang, city].find((p) => p.id === assignee)!;
    const reply = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: expert.headers, payload: { text: '用咯菌腈拌种。' } });
    expect(reply.statusCode, reply.body).toBe(200);
    now = new Date(now.getTime() + 73 * 3600_000);
    await t.escalation.sweep();
    expect((await ticketRow(t, ticketId)).status).toBe('closed');
    expect((await getConversation(t.db.pool, conversationId))!.mode).toBe('bot');
  });

  it('expires a ticket nobody answered in time and tells the farmer', async () => {
    now = new Date('2026-12-01T18:00:00Z'); // Wednesday 02:00
    const { ticketId, conversationId } = await escalate('水稻插秧后发黄咋办');
    now = new Date(now.getTime() + 8 * 86_400_000);
    await t.escalation.sweep();
    expect((await ticketRow(t, ticketId)).status).toBe('expired');
    const { rows } = await t.db.pool.query(`SELECT author, text FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1`, [conversationId]);
    expect(rows[0].author).toBe('system');
    expect(rows[0].text).toMatch(/12316/);
  });
});

describe('the daily digest', () => {
  it('texts each expert with work waiting, once', async () => {
    now = new Date('2026-12-16T02:00:00Z'); // a Wednesday, 10:00
    await escalate('金乡县大蒜紫斑病怎么治');
    const before = await t.db.pool.query(`SELECT count(*)::int AS n FROM sms_outbox WHERE text LIKE '%待答复%'`);
    const report = await t.escalation.digest();
    expect(report.texted).toBeGreaterThanOrEqual(1);
    const { rows } = await t.db.pool.query(`SELECT phone, text FROM sms_outbox WHERE text LIKE '%待答复%' ORDER BY created_at`);
    expect(rows.length - before.rows[0].n).toBe(report.texted);
    expect(rows.at(-1).text).toMatch(/^【益农助手】.+您好：您有\d+个问题待答复/);
  });
});
