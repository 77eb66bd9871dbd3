import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import integration from '../../integrations/botpress/src/index.ts';
import { signedHeaders } from '../../src/webhooks/signature.ts';
import { DEFAULT_DELIVERY_OPTIONS, IntegrationDeliveryWorker } from '../../src/integrations/worker.ts';
import { createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';
import { ALWAYS, eventKinds, person, type Person } from '../escalation/people.ts';
import { BotpressStandIn } from './botpress-api.ts';

// The integration run as Botpress runs it (operations on its handler, its client talking HTTP to a
// stand-in Botpress API), against our real server on a real port with its delivery worker: ask → answer
// with citations; a HITL session → a ticket → an expert's reply in our console → a message on Botpress.

const TOKEN = 'integration-token-botpress-0123456789';
let t: TestContext;
let bp: BotpressStandIn;
let worker: IntegrationDeliveryWorker;
let expert: Person;

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  t = await createTestApp({ INTEGRATION_TOKENS: TOKEN }, { seed: true, clock: () => DEMO_NOW });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  expert = await person(t, {
    username: 'jingji_bp', role: 'expert', name: '王经作', phone: '13900000011', specialties: ['经济作物'], ...ALWAYS,
  });
  bp = new BotpressStandIn(integration.handler, { baseUrl: address, token: TOKEN, category: '经济作物' });
  await bp.start();
  // As the Botpress runtime gives them to an integration: the API's address and the bot's token.
  process.env.BP_API_URL = bp.url;
  process.env.BP_TOKEN = 'bp-runtime-token-for-tests';
  worker = new IntegrationDeliveryWorker(t.db.pool, { ...DEFAULT_DELIVERY_OPTIONS, pollMs: 50, retryBaseMs: 50, retryMaxMs: 200 });
  worker.start();
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await bp?.stop();
  await t?.close();
});

describe('installing the integration', () => {
  it('registers its webhook with our server and keeps the signing secret in its state', async () => {
    const res = await bp.invoke('register', { webhookUrl: bp.webhookUrl });
    expect(res.status).toBe(200);
    const delivery = bp.state('integration', bp.integrationId, 'delivery');
    expect(delivery).toMatchObject({ webhookId: expect.any(String), webhookUrl: bp.webhookUrl });
    expect(delivery.secret).toMatch(/^[0-9a-f]{64}$/);
    const { rows } = await t.db.pool.query('SELECT integration, url, secret FROM integration_webhooks');
    expect(rows).toEqual([{ integration: 'integration-1', url: bp.webhookUrl, secret: delivery.secret }]);
  });
});

describe('askAssistant and searchKnowledge', () => {
  it('answers with intent, confidence and citations, and follow-ups keep the conversation', async () => {
    const first = await bp.action('askAssistant', { text: '金乡大蒜今天啥价', userId: 'user_farmer1', conversationId: 'conv_web_1' });
    expect(first).toMatchObject({ intent: 'price', escalated: false });
    expect(first.confidence).toBeGreaterThan(0.5);
    expect(first.citations[0]).toMatchObject({ documentId: 'table:prices', title: expect.stringContaining('价格') });
    expect(bp.state('conversation', 'conv_web_1', 'yinong')).toEqual({ yinongConversationId: first.conversationId });
    const second = await bp.action('askAssistant', { text: '昨天呢？', userId: 'user_farmer1', conversationId: 'conv_web_1' });
    expect(second.conversationId).toBe(first.conversationId);
    expect(second.intent).toBe('price');
    const other = await bp.action('askAssistant', { text: '金乡大蒜今天啥价', userId: 'user_farmer2', conversationId: 'conv_web_2' });
    expect(other.conversationId).not.toBe(first.conversationId);
  });

  it('searches the knowledge base', async () => {
    const out = await bp.action('searchKnowledge', { query: '小麦赤霉病', limit: 3 });
    expect(out.hits.length).toBeGreaterThan(0);
    expect(out.hits.length).toBeLessThanOrEqual(3);
    expect(out.hits[0]).toMatchObject({ documentId: expect.any(String), title: expect.any(String), snippet: expect.any(String) });
  });

  it('an expert’s later answer to an escalated question reaches the bot as an expertAnswer event', async () => {
    const asked = await bp.action('askAssistant', { text: '金乡县家里的蓝莓叶子发红怎么回事', userId: 'user_farmer3', conversationId: 'conv_web_3' });
    expect(asked.escalated).toBe(true);
    expect(asked.ticketId).toBeTruthy();
    const reply = await t.app.inject({
      method: 'POST', url: `/api/v1/tickets/${asked.ticketId}/reply`, headers: expert.headers,
      payload: { text: '蓝莓叶子发红多半是土壤偏碱缺铁，先测土壤酸碱度。' },
    });
    expect(reply.statusCode, reply.body).toBe(200);
    const event = await until('expertAnswer', () => bp.events.find((e) => e.type === 'expertAnswer'));
    expect(event.payload).toEqual({
      conversationId: 'conv_web_3', userId: 'user_farmer3', text: '蓝莓叶子发红多半是土壤偏碱缺铁，先测土壤酸碱度。',
      expertName: '王经作', ticketId: asked.ticketId,
    });
    // The same delivery resent is not a second event.
    const call = await until('the relayed call', () => bp.webhookCalls.find((c) => c.status === 200 && c.body.includes('expert')));
    const secret = bp.state('integration', bp.integrationId, 'delivery').secret;
    const again = await fetch(bp.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(secret, call.body) }, body: call.body });
    expect(again.status).toBe(200);
    expect(bp.events.filter((e) => e.type === 'expertAnswer')).toHaveLength(1);
    // Follow-ups after it still reach the same conversation of ours.
    const later = await bp.action('askAssistant', { text: '金乡大蒜今天啥价', userId: 'user_farmer3', conversationId: 'conv_web_3' });
    expect(later.conversationId).toBe(asked.conversationId);
  });
});

describe('human handoff (HITL)', () => {
  let hitlConversation: string;
  let ticketId: string;

  it('startHitl opens a ticket in the expert inbox with the conversation so far', async () => {
    const { userId } = await bp.action('createUser', { name: '张大爷' });
    expect(bp.users.get(userId)).toMatchObject({ name: '张大爷' });
    const out = await bp.action('startHitl', {
      userId, title: '蒜苗叶尖发黄要不要打药', description: '今年蒜苗长得慢',
      messageHistory: [
        { source: { type: 'user', userId }, type: 'text', payload: { text: '蒜苗叶尖发黄咋回事' } },
        { source: { type: 'bot' }, type: 'text', payload: { text: '可能是缺肥或受冻，要我帮您找专家吗？' } },
      ],
    });
    hitlConversation = out.conversationId;
    expect(bp.conversations.get(hitlConversation)).toMatchObject({ channel: 'hitl' });
    const session = bp.state('conversation', hitlConversation, 'hitl');
    ticketId = session.ticketId;
    const { rows } = await t.db.pool.query(
      `SELECT t.status, t.assignee_id, t.category, t.question, l.kind, l.external_id FROM tickets t
         JOIN integration_links l ON l.conversation_id = t.conversation_id WHERE t.id = $1`, [ticketId]);
    expect(rows[0]).toMatchObject({ status: 'assigned', assignee_id: expert.id, category: '经济作物', kind: 'hitl', external_id: hitlConversation });
    expect(rows[0].question).toContain('蒜苗叶尖发黄要不要打药');
    expect(rows[0].question).toContain('机器人：可能是缺肥或受冻');
    // The expert's ticket page shows the conversation so far.
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: expert.headers });
    expect(page.statusCode).toBe(200);
    expect(page.json().messages.map((m: { text: string }) => m.text)).toEqual(
      expect.arrayContaining(['蒜苗叶尖发黄咋回事', '可能是缺肥或受冻，要我帮您找专家吗？']),
    );
    // The farmer is told who has it and by when; the HITL plugin hears that an expert has it.
    expect(bp.messagesIn(hitlConversation)[0].payload).toEqual({ text: expect.stringMatching(/^已为您转给农技专家，由王经作负责，预计.+前答复。$/) });
    expect(bp.events.find((e) => e.type === 'hitlAssigned')?.payload).toEqual({ conversationId: hitlConversation, userId: session.assignedTo });
  });

  it('what the farmer writes meanwhile reaches the ticket', async () => {
    const conversation = bp.conversations.get(hitlConversation)!;
    const res = await bp.invoke('message_created', {
      conversation, user: { id: 'user_x', tags: {} }, type: 'text', payload: { text: '叶子背面还有白点' },
      message: { id: 'msg_farmer_1', tags: {}, type: 'text', payload: { text: '叶子背面还有白点' } },
    });
    expect(res.status).toBe(200);
    expect(await eventKinds(t, ticketId)).toContain('follow_up');
    const page = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: expert.headers });
    expect(page.json().messages.map((m: { text: string }) => m.text)).toContain('叶子背面还有白点');
  });

  it('the expert’s reply in our console arrives on Botpress through the signed outbox, once', async () => {
    const text = '叶尖发黄加白点像是锈病初发，先别乱打药，拍张叶子背面的照片发来看看。';
    const reply = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: expert.headers, payload: { text } });
    expect(reply.statusCode, reply.body).toBe(200);
    const posted = await until('the expert message', () => bp.messagesIn(hitlConversation).find((m) => (m.payload as { text: string }).text === text));
    expect(bp.users.get(posted.userId as string)).toMatchObject({ name: '王经作（益农专家）' });
    const call = await until('the relayed call', () => bp.webhookCalls.find((c) => c.body.includes(text) && c.status === 200));
    expect(call.status).toBe(200);
    expect(call.headers['x-yinong-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const { rows } = await t.db.pool.query(`SELECT status, attempts FROM integration_outbox WHERE type = 'message' AND payload->'message'->>'text' = $1`, [text]);
    expect(rows).toEqual([{ status: 'sent', attempts: 1 }]);
    // The same delivery again (its answer was lost on the way back) is still one message on Botpress.
    const before = bp.messagesIn(hitlConversation).length;
    const again = await fetch(bp.webhookUrl, {
      method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(bp.state('integration', bp.integrationId, 'delivery').secret, call.body) }, body: call.body,
    });
    expect(again.status).toBe(200);
    expect(bp.messagesIn(hitlConversation)).toHaveLength(before);
  });

  it('a delivery Botpress cannot take yet is retried until it can', async () => {
    bp.failWebhooks = 2;
    const text = '照片收到了，是锈病，用三唑酮喷一遍，七天后再看。';
    const reply = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, headers: expert.headers, payload: { text } });
    expect(reply.statusCode).toBe(200);
    await until('the retried message', () => bp.messagesIn(hitlConversation).find((m) => (m.payload as { text: string }).text === text));
    await until('the relayed call', () => bp.webhookCalls.find((c) => c.body.includes(text) && c.status === 200));
    expect(bp.webhookCalls.filter((c) => c.body.includes(text)).map((c) => c.status)).toEqual([503, 503, 200]);
    // The worker records "sent" just after Botpress answered 200: wait for that record, not only the call.
    const rows = await until('the outbox row marked sent', async () => {
      const r = await t.db.pool.query(`SELECT status, attempts FROM integration_outbox WHERE payload->'message'->>'text' = $1`, [text]);
      return r.rows[0]?.status === 'sent' ? r.rows : undefined;
    });
    expect(rows).toEqual([{ status: 'sent', attempts: 3 }]);
  });

  it('stopHitl closes the ticket and gives the conversation back to the bot', async () => {
    await bp.action('stopHitl', { conversationId: hitlConversation, reason: 'cancel' });
    const { rows } = await t.db.pool.query(
      `SELECT t.status, c.mode FROM tickets t JOIN conversations c ON c.id = t.conversation_id WHERE t.id = $1`, [ticketId]);
    expect(rows[0]).toEqual({ status: 'closed', mode: 'bot' });
    expect(bp.state('conversation', hitlConversation, 'hitl').stopped).toBe(true);
    // Our ticket.closed delivery still arrives, and changes nothing: the session had already stopped.
    await until('ticket.closed delivered', async () =>
      (await t.db.pool.query(`SELECT 1 FROM integration_outbox WHERE type = 'ticket.closed' AND status = 'sent'`)).rowCount);
    expect(bp.events.filter((e) => e.type === 'hitlStopped')).toHaveLength(0);
    // A second stop is one stop.
    await bp.action('stopHitl', { conversationId: hitlConversation });
  });

  it('the expert closing the ticket ends the session on Botpress (hitlStopped)', async () => {
    const { userId } = await bp.action('createUser', { name: '李大姐' });
    const { conversationId } = await bp.action('startHitl', { userId, title: '葡萄裂果怎么办' });
    const id = bp.state('conversation', conversationId, 'hitl').ticketId;
    const close = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${id}/close`, headers: expert.headers, payload: {} });
    expect(close.statusCode, close.body).toBe(200);
    const stopped = await until('hitlStopped', () => bp.events.find((e) => e.type === 'hitlStopped'));
    expect(stopped.payload).toEqual({ conversationId });
    // The farmer got our hand-back line first, then the session ended.
    expect(bp.messagesIn(conversationId).map((m) => (m.payload as { text: string }).text).at(-1)).toMatch(/专家答疑已结束/);
    expect(bp.state('conversation', conversationId, 'hitl').stopped).toBe(true);
  });
});

describe('the integration’s webhook', () => {
  it('refuses a delivery with a wrong signature with 401 and posts nothing', async () => {
    const before = bp.messages.length;
    const body = JSON.stringify({
      id: '00000000-0000-4000-8000-000000000000', type: 'message',
      conversation: { id: 'x', kind: 'hitl', externalId: [...bp.conversations.keys()][0], externalUserId: null },
      message: { id: '1', author: 'expert', authorName: '冒充的专家', text: '快买我的药' },
    });
    const forged = await fetch(bp.webhookUrl, {
      method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders('not-the-secret', body) }, body,
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(bp.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(bp.messages.length).toBe(before);
  });
});
