import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth } from '../helpers/app.ts';
import { createSmsApp, nextId, signedInject, type SmsTestApp } from '../sms/helpers.ts';

// A farmer's text may be dirty (a bell, a NUL, half a character from a broken phone or gateway). What cannot
// be stored is stripped, the rest is answered; a text with nothing left gets a reply asking to resend. On
// every channel entry: never a 5xx, never a message stored without its reply.
const TOKEN = 'integration-token-dirty-0123456789';
let t: SmsTestApp;

const DIRTY = ['小麦\u0007怎么施肥', '小麦\u0000怎么施肥', '小麦\uD800怎么施肥', '小麦\u001B[0m怎么施肥', '小麦\u0085怎么施肥'];
const NOTHING = '\u0007\u0000\uDFFF\u0008';

beforeAll(async () => {
  t = await createSmsApp({ INTEGRATION_TOKENS: TOKEN }, { seed: false });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

async function storedFor(phone: string) {
  const { rows } = await t.db.pool.query<{ author: string; text: string }>(
    `SELECT m.author, m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE c.farmer_phone LIKE '%' || $1 ORDER BY m.created_at, m.id`, [phone],
  );
  return rows;
}

function expectClean(text: string) {
  // eslint-disable-next-line no-control-regex
  expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/);
  expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
}

describe('SMS: a dirty text is answered, not refused', () => {
  DIRTY.forEach((text, i) => {
    it(`HTTP gateway: ${JSON.stringify(text)}`, async () => {
      const phone = `1381111000${i}`;
      const res = await signedInject(t.app, '/webhooks/sms/http', { id: nextId(), from: phone, to: '1069', text });
      expect(res.statusCode, res.body).toBe(200);
      const rows = await storedFor(phone);
      expect(rows[0]).toMatchObject({ author: 'farmer', text: text.includes('[0m') ? '小麦[0m怎么施肥' : '小麦怎么施肥' });
      expectClean(rows[0].text);
      expect(rows.some((r) => r.author === 'bot')).toBe(true);
    });
  });

  it('a lone surrogate written as a JSON escape is cleaned and answered', async () => {
    const phone = '13811110010';
    const raw = `{"id":"${nextId()}","from":"${phone}","to":"1069","text":"\\ud83c小麦怎么施肥"}`;
    const res = await signedInject(t.app, '/webhooks/sms/http', null, { raw });
    expect(res.statusCode, res.body).toBe(200);
    const rows = await storedFor(phone);
    expect(rows[0].text).toBe('小麦怎么施肥');
    expect(rows.some((r) => r.author === 'bot')).toBe(true);
  });

  it('a text with nothing left gets a Chinese reply asking to resend', async () => {
    const phone = '13811110011';
    const res = await signedInject(t.app, '/webhooks/sms/http', { id: nextId(), from: phone, to: '1069', text: NOTHING });
    expect(res.statusCode, res.body).toBe(200);
    const rows = await storedFor(phone);
    expect(rows.map((r) => r.author)).toEqual(['farmer', 'bot']);
    expectClean(rows[0].text);
    expect(rows[1].text).toMatch(/重新发送/);
  });

  it('the console gateway does the same', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/sms/console', payload: { from: '13811110012', text: '小麦\u0007怎么施肥' } });
    // The console route exists only in development; where it exists it must answer.
    if (res.statusCode === 404) return;
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('web chat, the API and an integration (Botpress): same cleaning, same replies', () => {
  it('web chat over HTTP', async () => {
    for (const text of DIRTY) {
      const res = await t.app.inject({ method: 'POST', url: '/webchat/api/send', payload: { deviceId: `dirty-device-${text.charCodeAt(2)}-0123`, clientId: 'c1', text } });
      expect(res.statusCode, res.body).toBe(200);
      const messages = res.json().messages as { author: string; text: string }[];
      expectClean(messages[0].text);
      expect(messages.some((m) => m.author === 'bot')).toBe(true);
    }
    const empty = await t.app.inject({ method: 'POST', url: '/webchat/api/send', payload: { deviceId: 'dirty-device-nothing-0123', clientId: 'c1', text: NOTHING } });
    expect(empty.statusCode, empty.body).toBeLessThan(500);
    if (empty.statusCode === 200) expect(empty.json().messages.at(-1).text).toMatch(/重新发送/);
    else expect(empty.json().error.message).toMatch(/重新发送/);
  });

  it('POST /api/v1/messages, as an administrator and as an integration', async () => {
    for (const headers of [adminAuth, { authorization: `Bearer ${TOKEN}` }]) {
      for (const [i, text] of DIRTY.entries()) {
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers, payload: { text, from: { webId: `dirty-web-${i}-${headers === adminAuth ? 'a' : 'i'}` } } });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().replies.length).toBeGreaterThan(0);
      }
      const empty = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers, payload: { text: NOTHING, from: { webId: `dirty-web-nothing-${headers === adminAuth ? 'a' : 'i'}` } } });
      expect(empty.statusCode, empty.body).toBe(200);
      expect(empty.json().replies[0].text).toMatch(/重新发送/);
    }
    const { rows } = await t.db.pool.query<{ text: string }>(`SELECT text FROM messages WHERE author = 'farmer'`);
    for (const r of rows) expectClean(r.text);
  });
});

describe('an integration’s human handoff (Botpress)', () => {
  it('stores the farmer’s words without control characters; a title with nothing left is a 400 naming it', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const hook = await t.app.inject({ method: 'PUT', url: '/api/v1/integration/webhook', headers, payload: { url: 'https://bot.example.cn/hook', label: '测试' } });
    expect(hook.statusCode, hook.body).toBe(200);
    const webhookId = hook.json().id;
    const body = { webhookId, externalId: 'dirty-1', webId: 'dirty-farmer-0001', title: '猪\u0007不吃食', transcript: [{ from: 'farmer', text: '猪\u001B不吃食' }] };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/integration/handoffs', headers, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    const ticketId = res.json().ticketId;
    const { rows } = await t.db.pool.query('SELECT question FROM tickets WHERE id = $1', [ticketId]);
    expectClean(rows[0].question);
    const msg = await t.app.inject({ method: 'POST', url: `/api/v1/integration/handoffs/${ticketId}/messages`, headers, payload: { webhookId, text: '还\u0007拉稀', messageId: 'dirty-m1' } });
    expect(msg.statusCode, msg.body).toBe(200);
    const empty = await t.app.inject({ method: 'POST', url: '/api/v1/integration/handoffs', headers, payload: { ...body, externalId: 'dirty-2', title: NOTHING } });
    expect(empty.statusCode, empty.body).toBe(400);
    expect(empty.json().error.message).toMatch(/title/);
    const texts = await t.db.pool.query<{ text: string }>(`SELECT text FROM messages`);
    for (const r of texts.rows) expectClean(r.text);
  });
});
