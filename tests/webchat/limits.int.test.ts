import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ChatClient, newDeviceId, startServer, type LiveServer } from './client.ts';

// Small limits so a test can reach them: 3 messages a minute per connection, 5 per IP, a 1 s heartbeat.
let s: LiveServer;
beforeAll(async () => {
  s = await startServer({ WEBCHAT_RATE_PER_CONNECTION: '3', WEBCHAT_RATE_PER_IP: '5', WEBCHAT_HEARTBEAT_SECONDS: '1' });
});
afterAll(async () => {
  await s?.close();
});

describe('rate limits', () => {
  it('per connection: a polite Chinese refusal with the wait; the message is not processed', async () => {
    const { client, welcome } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    for (let i = 0; i < 3; i++) await client.ask('大蒜多少钱一斤');
    client.send({ type: 'message', clientId: 'one-too-many', text: '大蒜多少钱一斤' });
    const refusal = await client.next('error');
    expect(refusal).toMatchObject({ code: 'rate_limited', clientId: 'one-too-many', retryAfterMs: expect.any(Number) });
    expect(refusal.message).toMatch(/请歇一下，\d+ 秒后再发/);
    expect(refusal.retryAfterMs).toBeGreaterThan(0);
    expect(refusal.retryAfterMs).toBeLessThanOrEqual(20_000);
    const { rows } = await s.db.pool.query(
      `SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND channel_message_id = 'one-too-many'`, [welcome.conversationId],
    );
    expect(rows[0].n).toBe(0);
    // The socket stays open: pings still work.
    client.send({ type: 'ping' });
    await client.next('pong');
    client.close();
  });

  it('per IP: connections from one address share a budget', async () => {
    // The previous test spent 3 of this address's 5; two more pass, the next is refused on a fresh socket.
    const a = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    await a.client.ask('邹城市要建多少个益农信息社');
    await a.client.ask('邹城市要建多少个益农信息社');
    const b = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    b.client.send({ type: 'message', clientId: 'ip-limited', text: '你好' });
    expect(await b.client.next('error')).toMatchObject({ code: 'rate_limited', clientId: 'ip-limited' });
    a.client.close();
    b.client.close();
  });

  it('a flood of frames closes the socket with a reason; other sessions are unaffected', async () => {
    const bystander = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    const { client } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    for (let i = 0; i < 100; i++) client.send({ type: 'typing' });
    expect(await client.closedBy()).toEqual({ code: 4008, reason: 'too many frames' });
    expect(client.frames.some((f) => f.type === 'error' && f.code === 'rate_limited')).toBe(true);
    bystander.client.send({ type: 'ping', t: 1 });
    expect(await bystander.client.next('pong')).toEqual({ type: 'pong', t: 1 });
    bystander.client.close();
  });
});

describe('heartbeats', () => {
  it('closes a socket that stops answering pings', async () => {
    const ws = new WebSocket(s.wsUrl, { autoPong: false });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'hello', deviceId: newDeviceId() }));
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(1006); // terminated: no close frame for a peer that is gone
  });

  it('keeps a socket that answers', async () => {
    const { client } = await ChatClient.connect(s.wsUrl, { deviceId: newDeviceId() });
    await new Promise((r) => setTimeout(r, 3000));
    expect(client.closed).toBeUndefined();
    client.close();
  });

  it('closes a socket that never says hello (after two heartbeats here)', async () => {
    const ws = new WebSocket(s.wsUrl);
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    expect(closed).toEqual({ code: 4000, reason: 'hello expected' });
  });
});
