import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { insertMessage } from '../../src/conversations/store.ts';
import { ADMIN_TOKEN, adminAuth } from '../helpers/app.ts';
import { ChatClient, newDeviceId, startServer, type LiveServer } from './client.ts';

let s: LiveServer;
beforeAll(async () => {
  s = await startServer({ WEBCHAT_ALLOWED_ORIGINS: 'https://nongye.example.gov.cn' });
});
afterAll(async () => {
  await s?.close();
});

/** What an expert's answer does once the expert console sends it: stored, then published. */
async function expertSays(conversationId: string, text: string) {
  const { message } = await insertMessage(s.db.pool, { conversationId, author: 'expert', text });
  s.events.publish(message);
  return message;
}

async function countRows(sql: string, params: unknown[]): Promise<number> {
  const { rows } = await s.db.pool.query(sql, params);
  return rows[0].n;
}

describe('ask and answer', () => {
  it('welcomes a new device, acknowledges the message, then sends the cited reply', async () => {
    const deviceId = newDeviceId();
    const { client, welcome } = await ChatClient.connect(s.wsUrl, { deviceId });
    expect(welcome).toMatchObject({ role: 'farmer', messages: [], hasMore: false });
    const { rows } = await s.db.pool.query('SELECT channel, web_id FROM conversations WHERE id = $1', [welcome.conversationId]);
    expect(rows[0]).toEqual({ channel: 'web', web_id: deviceId });

    const { ack, reply, clientId } = await client.ask('小麦条锈病咋防治');
    expect(ack).toMatchObject({ clientId, duplicate: false, conversationId: welcome.conversationId });
    expect(reply).toMatchObject({ author: 'bot', escalated: false, conversationId: welcome.conversationId });
    expect(reply.text).toMatch(/条锈病|三唑酮|戊唑醇/);
    expect(reply.citations.length).toBeGreaterThan(0);
    expect(reply.citations[0]).toMatchObject({ documentId: expect.any(String), title: expect.any(String), snippet: expect.any(String) });
    expect(reply.quickReplies).toEqual(expect.any(Array));

    // Order on the wire: ack, the echo of the farmer's own message, the reply ("typing" frames around
    // them only when the answer is slow).
    const types = client.frames.filter((f) => f.type !== 'typing').map((f) => `${f.type}${f.type === 'message' ? `:${f.author}` : ''}`);
    expect(types).toEqual(['welcome', 'ack', 'message:farmer', 'message:bot']);
    const typing = client.frames.filter((f) => f.type === 'typing').map((f) => f.active);
    expect([[], [true, false]]).toContainEqual(typing);
    const echo = client.frames.find((f) => f.type === 'message' && f.author === 'farmer')!;
    expect(echo).toMatchObject({ id: ack.messageId, clientId, text: '小麦条锈病咋防治' });
    client.close();
  });

  it('answers price and programme questions from the tables', async () => {
    const { client } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    const price = await client.ask('大蒜多少钱一斤');
    expect(price.reply).toMatchObject({ intent: 'price', text: expect.stringMatching(/元\/斤/) });
    const programme = await client.ask('邹城市要建多少个益农信息社');
    expect(programme.reply).toMatchObject({ intent: 'programme', text: expect.stringMatching(/858/) });
    client.close();
  });

  it('marks an escalated reply with its ticket, and the expert answer arrives live in the same thread', async () => {
    const { client, welcome } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    const { reply } = await client.ask('俺家鸵鸟不吃食还咳嗽咋整');
    expect(reply.escalated).toBe(true);
    expect(reply.text).toMatch(/专家/);
    const { rows } = await s.db.pool.query('SELECT id FROM escalations WHERE message_id = $1', [reply.id]);
    expect(reply.ticketId).toBe(rows[0].id);

    const answer = await expertSays(welcome.conversationId, '可能是猪瘟或链球菌病，先隔离病猪，量体温，请当地兽医上门看。');
    const live = await client.next('message', 20_000, (f) => f.author === 'expert');
    expect(live).toMatchObject({ id: answer.id, text: answer.text, conversationId: welcome.conversationId });
    client.close();
  });

  it('delivers the conversation to every open tab of the device', async () => {
    const deviceId = newDeviceId();
    const a = await ChatClient.connect(s.wsUrl, { deviceId });
    const b = await ChatClient.connect(s.wsUrl, { deviceId });
    const { ack, reply } = await a.client.ask('益农信息社能办哪些事');
    const seenByB = await b.client.next('message', 20_000, (f) => f.id === reply.id);
    expect(seenByB.text).toBe(reply.text);
    expect(b.client.frames.some((f) => f.type === 'message' && f.id === ack.messageId)).toBe(true);
    expect(b.client.frames.some((f) => f.type === 'ack')).toBe(false);
    a.client.close();
    b.client.close();
  });
});

describe('reconnecting', () => {
  it('resumes from lastSeenId: what arrived while offline comes once, in order', async () => {
    const deviceId = newDeviceId();
    const first = await ChatClient.connect(s.wsUrl, { deviceId });
    const q1 = await first.client.ask('小麦条锈病咋防治');
    first.client.terminate(); // the phone lost its signal

    const e1 = await expertSays(first.welcome.conversationId, '补充：发病重的田块一周后再喷一次。');
    const e2 = await expertSays(first.welcome.conversationId, '用药时注意轮换，别总用一种。');

    const back = await ChatClient.connect(s.wsUrl, { deviceId, lastSeenId: q1.reply.id });
    expect(back.welcome.conversationId).toBe(first.welcome.conversationId);
    expect(back.welcome.messages.map((m: { id: string }) => m.id)).toEqual([e1.id, e2.id]);

    // From an older point the reply is included too, and nothing twice.
    const older = await ChatClient.connect(s.wsUrl, { deviceId, lastSeenId: q1.ack.messageId });
    expect(older.welcome.messages.map((m: { id: string }) => m.id)).toEqual([q1.reply.id, e1.id, e2.id]);
    // A device that kept nothing gets the whole thread.
    const fresh = await ChatClient.connect(s.wsUrl, { deviceId });
    expect(fresh.welcome.messages.map((m: { id: string }) => m.id)).toEqual([q1.ack.messageId, q1.reply.id, e1.id, e2.id]);
    for (const c of [back, older, fresh]) c.client.close();
  });

  it('a message resent after a drop is processed once and answered with the first reply', async () => {
    const deviceId = newDeviceId();
    const first = await ChatClient.connect(s.wsUrl, { deviceId });
    const original = await first.client.ask('大蒜多少钱一斤', 'resend-1');
    first.client.terminate();

    const again = await ChatClient.connect(s.wsUrl, { deviceId, lastSeenId: '0' });
    again.client.send({ type: 'message', clientId: 'resend-1', text: '大蒜多少钱一斤' });
    const ack = await again.client.next('ack');
    expect(ack).toMatchObject({ clientId: 'resend-1', messageId: original.ack.messageId, duplicate: true });
    const reply = await again.client.next('message', 20_000, (f) => f.replyTo === ack.messageId);
    expect(reply.id).toBe(original.reply.id);

    const conversationId = first.welcome.conversationId;
    expect(await countRows(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND channel_message_id = 'resend-1'`, [conversationId])).toBe(1);
    expect(await countRows(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND author = 'bot'`, [conversationId])).toBe(1);
    again.client.close();
  });
});

describe('bad input: an error frame or a closed socket with a reason, and the server carries on', () => {
  it('not JSON, unknown type, bad fields, binary: error frames, the socket stays usable', async () => {
    const { client } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    client.send('{"type": "message", ');
    expect(await client.next('error')).toMatchObject({ code: 'invalid_json', message: expect.stringMatching(/JSON/) });
    client.send({ type: 'subscribe', channel: 'all' });
    expect(await client.next('error')).toMatchObject({ code: 'unknown_type', message: expect.stringMatching(/subscribe/) });
    client.send('[1,2,3]');
    expect((await client.next('error')).code).toBe('unknown_type');
    client.send({ type: 'message', text: '没有 clientId' });
    expect(await client.next('error')).toMatchObject({ code: 'invalid_frame', message: expect.stringMatching(/clientId/) });
    client.send({ type: 'message', clientId: 'long', text: '字'.repeat(2001) });
    expect((await client.next('error')).message).toMatch(/2000/);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.next('error')).code).toBe('invalid_frame');
    client.send({ type: 'hello', deviceId: newDeviceId() });
    expect((await client.next('error')).code).toBe('invalid_frame');

    client.send({ type: 'ping', t: 42 });
    expect(await client.next('pong')).toEqual({ type: 'pong', t: 42 });
    const { reply } = await client.ask('小麦条锈病咋防治');
    expect(reply.author).toBe('bot');
    client.close();
  });

  it('asks for hello before anything else, and a bad hello names the field', async () => {
    const client = await ChatClient.open(s.wsUrl);
    client.send({ type: 'message', clientId: 'x1', text: '你好' });
    expect(await client.next('error')).toMatchObject({ code: 'hello_first' });
    client.send({ type: 'hello', deviceId: 'short' });
    expect(await client.next('error')).toMatchObject({ code: 'invalid_frame', message: expect.stringMatching(/deviceId/) });
    client.send({ type: 'hello', deviceId: newDeviceId() });
    expect((await client.next('welcome')).role).toBe('farmer');
    client.close();
  });

  it('an oversize frame gets an error; a huge one closes the socket with 1009', async () => {
    const { client } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    client.send({ type: 'message', clientId: 'big', text: 'x'.repeat(20_000) });
    expect(await client.next('error')).toMatchObject({ code: 'too_large', message: expect.stringMatching(/太长/) });
    client.send({ type: 'ping' });
    await client.next('pong');
    client.send({ type: 'message', clientId: 'huge', text: 'x'.repeat(70_000) });
    expect((await client.closedBy()).code).toBe(1009);

    const other = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    expect((await other.client.ask('大蒜多少钱一斤')).reply.text).toMatch(/元/);
    other.client.close();
  });

  it('a forged officer token gets an error frame and the socket is closed with a reason', async () => {
    const client = await ChatClient.open(s.wsUrl);
    client.send({ type: 'hello', deviceId: newDeviceId(), token: 'forged-token-0123456789abcdef' });
    expect(await client.next('error')).toMatchObject({ code: 'invalid_token', message: expect.stringMatching(/登录/) });
    expect(await client.closedBy()).toEqual({ code: 4001, reason: 'invalid token' });
  });

  it('refuses pages of other sites, allows its own and the configured ones', async () => {
    const refused = new WebSocket(s.wsUrl, { headers: { origin: 'https://evil.example.com' } });
    const status = await new Promise<number>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
    for (const origin of [s.base, 'https://nongye.example.gov.cn']) {
      const ok = await ChatClient.open(s.wsUrl, { origin });
      ok.send({ type: 'hello', deviceId: newDeviceId() });
      await ok.next('welcome');
      ok.close();
    }
  });
});

describe('officer mode', () => {
  it('an officer asks for a farmer (代问), sees the answer, and reads the farmer’s record', async () => {
    const phone = '13905370001';
    const { client, welcome } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId(), token: ADMIN_TOKEN });
    expect(welcome).toMatchObject({ role: 'officer', name: 'admin-token' });
    const { rows: own } = await s.db.pool.query('SELECT web_id FROM conversations WHERE id = $1', [welcome.conversationId]);
    expect(own[0].web_id).toBe('officer:admin-token');

    const { ack, reply } = await client.ask(`代问 ${phone} 小麦条锈病咋防治`);
    expect(ack.conversationId).not.toBe(welcome.conversationId);
    expect(reply).toMatchObject({ author: 'bot', onBehalfOf: phone, conversationId: ack.conversationId });
    expect(reply.text).toMatch(/条锈病|三唑酮/);
    const { rows } = await s.db.pool.query('SELECT channel, farmer_phone FROM conversations WHERE id = $1', [ack.conversationId]);
    expect(rows[0]).toEqual({ channel: 'api', farmer_phone: phone });

    client.send({ type: 'history', phone });
    const history = await client.next('history');
    expect(history.phone).toBe(phone);
    // The officer's question and its answer, then the copy the farmer was sent by SMS (in the farmer's own
    // SMS conversation, so the farmer can reply there).
    expect(history.messages.slice(0, 2).map((m: { id: string }) => m.id)).toEqual([ack.messageId, reply.id]);
    expect(history.messages[0]).toMatchObject({ author: 'officer', channel: 'api' });
    expect(history.messages).toHaveLength(3);
    expect(history.messages[2]).toMatchObject({ author: 'bot', channel: 'sms' });
    expect(history.messages[2].text).toMatch(/^信息员为您代问，答复如下：/);

    // Guided posting works in the officer's own thread.
    const post = await client.ask('发布价格 金乡大蒜 3.5');
    expect(post.ack.conversationId).toBe(welcome.conversationId);
    expect(post.reply.text).toMatch(/市场/);
    client.close();
  });

  it('works with a logged-in officer account; an expert’s token is refused with a reason', async () => {
    const login = async (username: string, role: string, extra: object = {}) => {
      const created = await s.app.inject({
        method: 'POST', url: '/api/v1/users', headers: adminAuth,
        payload: { username, password: 'Webchat-test-2024', role, name: `${username}-name`, ...extra },
      });
      expect(created.statusCode).toBe(201);
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'Webchat-test-2024' } });
      expect(res.statusCode).toBe(200);
      return res.json().token as string;
    };
    const officer = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId(), token: await login('ws-officer', 'officer') });
    expect(officer.welcome).toMatchObject({ role: 'officer', name: 'ws-officer-name' });
    officer.client.close();

    const expert = await ChatClient.open(s.wsUrl);
    expert.send({ type: 'hello', deviceId: newDeviceId(), token: await login('ws-expert', 'expert', { specialties: ['植保'] }) });
    expect(await expert.next('error')).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/信息员/) });
    expect(await expert.closedBy()).toEqual({ code: 4003, reason: 'role not allowed' });
  });

  it('an officer account reads only farmers of their county or those they asked for', async () => {
    const created = await s.app.inject({
      method: 'POST', url: '/api/v1/users', headers: adminAuth,
      payload: { username: 'ws-scoped', password: 'Webchat-test-2024', role: 'officer', name: '嘉祥信息员', counties: ['嘉祥县'], village: '王庄村' },
    });
    expect(created.statusCode).toBe(201);
    const token = (await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ws-scoped', password: 'Webchat-test-2024' } })).json().token;
    const { client } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId(), token });
    // 13905370001 was asked for by the admin token above: not this officer's farmer.
    client.send({ type: 'history', phone: '13905370001' });
    expect(await client.next('error')).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/服务范围/) });
    await client.ask('代问 13905379999 玉米价格');
    client.send({ type: 'history', phone: '13905379999' });
    expect((await client.next('history')).messages[0]).toMatchObject({ author: 'officer' });
    client.close();
  });

  it('a farmer cannot read records or post', async () => {
    const { client } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    client.send({ type: 'history', phone: '13905370001' });
    expect(await client.next('error')).toMatchObject({ code: 'forbidden' });
    const { reply } = await client.ask('代问 13905370001 小麦条锈病咋防治');
    expect(reply.text).toMatch(/信息员/);
    client.close();
  });
});
