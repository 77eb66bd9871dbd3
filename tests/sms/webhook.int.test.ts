import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../src/webhooks/signature.ts';
import { sweepInbox } from '../../src/channels/sms/inbound.ts';
import { inboundDeps } from '../../src/channels/sms/service.ts';
import { createSmsApp, nextId, SECRET, signedInject, type SmsTestApp } from './helpers.ts';

let t: SmsTestApp;
beforeAll(async () => {
  t = await createSmsApp();
});
afterAll(async () => {
  await t?.close();
});

const URL = '/webhooks/sms/http';
const count = async (table: string) => (await t.db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
const sms = (text: string, from = '13800138000') => ({ id: nextId(), from, to: '106900001234', text });

describe('webhook signatures', () => {
  it('refuses unsigned, badly signed, tampered, stale and future requests with 401 and stores nothing', async () => {
    const before = { inbox: await count('sms_inbox'), messages: await count('messages') };
    const body = sms('小麦条锈病咋防治');
    const raw = JSON.stringify(body);

    const unsigned = await t.app.inject({ method: 'POST', url: URL, payload: body });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().error.code).toBe('unauthorized');

    const wrongSecret = await signedInject(t.app, URL, body, { secret: 'another-secret-0123456789abcdef' });
    expect(wrongSecret.statusCode).toBe(401);
    expect(wrongSecret.json().error.message).toMatch(/签名不对/);

    // Signed for one body, sent with another.
    const ts = String(Math.floor(Date.now() / 1000));
    const forged = await t.app.inject({
      method: 'POST', url: URL, payload: raw.replace('小麦', '玉米'),
      headers: { 'content-type': 'application/json', 'x-yinong-timestamp': ts, 'x-yinong-signature': sign(SECRET, ts, raw) },
    });
    expect(forged.statusCode).toBe(401);
    const honest = await signedInject(t.app, URL, body);
    expect(honest.statusCode).toBe(200);

    const stale = await signedInject(t.app, URL, sms('你好'), { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.message).toMatch(/过期/);
    const future = await signedInject(t.app, URL, sms('你好'), { timestamp: Math.floor(Date.now() / 1000) + 3600 });
    expect(future.statusCode).toBe(401);
    const garbage = await signedInject(t.app, URL, sms('你好'), { headers: { 'x-yinong-signature': 'md5=abc' } });
    expect(garbage.statusCode).toBe(401);
    const badTimestamp = await signedInject(t.app, URL, sms('你好'), { headers: { 'x-yinong-timestamp': 'yesterday' } });
    expect(badTimestamp.statusCode).toBe(401);

    // Only the honest request left a trace.
    expect(await count('sms_inbox')).toBe(before.inbox + 1);
    expect(await count('messages')).toBe(before.messages + 2);
  });

  it('signs the status webhook too', async () => {
    const res = await t.app.inject({ method: 'POST', url: `${URL}/status`, payload: { id: 'x', status: 'delivered' } });
    expect(res.statusCode).toBe(401);
  });
});

describe('replayed webhooks', () => {
  it('gives a retried webhook one turn and one reply', async () => {
    const body = sms('金乡大蒜今天啥价', '13900139000');
    const first = await signedInject(t.app, URL, body);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'handled', queued: 1 });
    // The gateway didn't hear our 200 and sends it again, later and re-signed.
    const again = await signedInject(t.app, URL, body, { timestamp: Math.floor(Date.now() / 1000) + 2 });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'duplicate', queued: 0 });
    const { rows } = await t.db.pool.query(
      `SELECT m.author, count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.channel = 'sms' AND c.farmer_phone = '13900139000' GROUP BY m.author ORDER BY m.author`,
    );
    expect(rows).toEqual([{ author: 'bot', n: 1 }, { author: 'farmer', n: 1 }]);
    const out = await t.db.pool.query(`SELECT text FROM sms_outbox WHERE phone = '13900139000'`);
    expect(out.rows).toHaveLength(1);
    expect(out.rows[0].text).toMatch(/大蒜.*元\/斤/);
  });

  it('finishes a turn whose first attempt died after storing it (lease over), without a second reply', async () => {
    const body = sms('你好', '13700137000');
    // Attempt one stored the message and died before the agent ran: the row waits with an expired lease.
    await t.db.pool.query(
      `INSERT INTO sms_inbox (gateway, gateway_message_id, phone, text, lease_until) VALUES ('http', $1, '13700137000', '你好', now() - interval '1 minute')`,
      [body.id],
    );
    const retry = await signedInject(t.app, URL, body);
    expect(retry.json()).toMatchObject({ status: 'handled', queued: 1 });
    const again = await signedInject(t.app, URL, body);
    expect(again.json()).toMatchObject({ status: 'duplicate', queued: 0 });
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM sms_outbox WHERE phone = '13700137000'`)).rows[0].n).toBe(1);
  });

  it('has the sweeper finish a stored turn nobody retries, and give up on one that keeps failing', async () => {
    await t.db.pool.query(
      `INSERT INTO sms_inbox (gateway, gateway_message_id, phone, text, lease_until) VALUES ('http', $1, '13700137001', '你好', now() - interval '1 minute')`,
      [nextId()],
    );
    await t.db.pool.query(
      `INSERT INTO sms_inbox (gateway, gateway_message_id, phone, text, lease_until, attempts) VALUES ('http', $1, '13700137002', '你好', now() - interval '1 minute', 5)`,
      [nextId()],
    );
    const handled = await sweepInbox(inboundDeps(t.config, t.db.pool, t.turns));
    expect(handled).toBe(1);
    const { rows } = await t.db.pool.query(`SELECT phone, status FROM sms_inbox WHERE phone IN ('13700137001', '13700137002') ORDER BY phone`);
    expect(rows).toEqual([{ phone: '13700137001', status: 'handled' }, { phone: '13700137002', status: 'failed' }]);
    expect((await t.db.pool.query(`SELECT count(*)::int AS n FROM sms_outbox WHERE phone = '13700137001'`)).rows[0].n).toBe(1);
  });

  it('answers a retry that arrives while the first attempt is still working with in_progress', async () => {
    const body = sms('你好', '13600136000');
    await t.db.pool.query(
      `INSERT INTO sms_inbox (gateway, gateway_message_id, phone, text, lease_until) VALUES ('http', $1, '13600136000', '你好', now() + interval '1 minute')`,
      [body.id],
    );
    const retry = await signedInject(t.app, URL, body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ status: 'in_progress', queued: 0 });
  });
});

describe('bad input', () => {
  const reject = async (payload: unknown, status: number, code: RegExp | string, raw?: string | Buffer) => {
    const before = await count('sms_inbox');
    const res = await signedInject(t.app, URL, payload, raw === undefined ? {} : { raw });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toMatch(code);
    expect(res.json().error.message.length).toBeGreaterThan(4);
    expect(await count('sms_inbox')).toBe(before);
    return res.json().error.message as string;
  };

  it('names the missing field', async () => {
    expect(await reject({ from: '13800138000', to: '1069', text: 'hi' }, 400, 'invalid_request')).toMatch(/id/);
    expect(await reject({ id: nextId(), to: '1069', text: 'hi' }, 400, 'invalid_request')).toMatch(/from/);
    expect(await reject({ id: nextId(), from: '13800138000', to: '1069' }, 400, 'invalid_request')).toMatch(/text/);
    expect(await reject({ id: nextId(), from: '13800138000', text: 'hi' }, 400, 'invalid_request')).toMatch(/to/);
    expect(await reject({ ...sms('hi'), receivedAt: 'last tuesday' }, 400, 'invalid_request')).toMatch(/receivedAt/);
  });

  it('refuses a number that is not a phone', async () => {
    for (const from of ['12345', 'not-a-phone', '0537-1234567', '+86 138 0013 80001', '']) {
      expect(await reject(sms('小麦', from), 400, /invalid_phone|invalid_request/)).toMatch(/手机号|from/);
    }
  });

  it('refuses empty and 5,000-character texts', async () => {
    expect(await reject(sms('   '), 400, 'empty_text')).toMatch(/空/);
    expect(await reject(sms('麦'.repeat(5000)), 413, 'text_too_long')).toMatch(/5000/);
  });

  it('refuses bytes that are not UTF-8 and non-JSON; cleans NUL and lone surrogates out of the text', async () => {
    const latin = Buffer.concat([Buffer.from('{"id":"x1","from":"13800138000","to":"1069","text":"'), Buffer.from([0xd0, 0xa1, 0xc2]), Buffer.from('"}')]);
    expect(await reject(null, 400, 'invalid_encoding', latin)).toMatch(/UTF-8/);
    const gbk = Buffer.concat([Buffer.from('{"id":"x2","from":"13800138000","to":"1069","text":"'), Buffer.from([0xd0, 0xa1, 0xc2, 0xf3]), Buffer.from('"}')]);
    expect(await reject(null, 400, 'invalid_encoding', gbk)).toMatch(/UTF-8/);
    // A NUL is cleaned where every input enters (src/http/input.ts): the farmer's text is kept without it.
    // A lone surrogate (a JSON escape in the signed body) is dropped like a NUL and the rest answered.
    const lone = await signedInject(t.app, URL, null, { raw: `{"id":"x3","from":"13800138005","to":"1069","text":"\\ud83c稻子"}` });
    expect(lone.statusCode, lone.body).toBe(200);
    const nul = await signedInject(t.app, URL, sms('麦\u0000子', '13800138004'));
    expect(nul.statusCode, nul.body).toBe(200);
    const { rows } = await t.db.pool.query(`SELECT text FROM messages WHERE text LIKE '麦%子' AND author = 'farmer'`);
    expect(rows.map((r) => r.text)).toContain('麦子');
    expect(await reject(null, 400, 'invalid_json', '{"id": "x4", ')).toMatch(/JSON/);
  });

  it('accepts the ways gateways write a mainland number', async () => {
    for (const from of ['+8613500135000', '8613500135000', '008613500135000', '135 0013 5000']) {
      const res = await signedInject(t.app, URL, sms('你好', from));
      expect(res.statusCode).toBe(200);
    }
    const { rows } = await t.db.pool.query(`SELECT DISTINCT farmer_phone FROM conversations WHERE farmer_phone LIKE '%13500135000'`);
    expect(rows).toEqual([{ farmer_phone: '13500135000' }]);
  });

  it('keeps working after all that', async () => {
    const res = await signedInject(t.app, URL, sms('小麦条锈病咋防治', '13400134000'));
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('handled');
  });
});

describe('configuration', () => {
  it('does not expose the console route outside the console gateway', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/sms/console', payload: { from: '13800138000', text: 'hi' } });
    expect(res.statusCode).toBe(404);
    expect(SECRET.length).toBeGreaterThan(16);
  });
});
