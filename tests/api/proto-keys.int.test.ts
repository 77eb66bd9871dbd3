import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth } from '../helpers/app.ts';
import { parseFrame } from '../../src/channels/webchat/protocol.ts';
import { createSmsApp, nextId, signedInject, type SmsTestApp } from '../sms/helpers.ts';

// A JSON body with __proto__ or constructor keys: Fastify's parser refused it as "not valid JSON", which it
// is. It is refused with a message naming the key, and nothing is polluted on any way in.
let t: SmsTestApp;
beforeAll(async () => {
  t = await createSmsApp({}, { seed: false });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

const bodies = [
  ['__proto__ at the top', '{"__proto__":{"polluted":"yes"},"username":"a","password":"b"}', '__proto__'],
  ['constructor.prototype', '{"constructor":{"prototype":{"polluted":"yes"}},"username":"a","password":"b"}', 'constructor'],
  ['__proto__ deep in an array', '{"text":"你好","from":{"phone":"13812340001"},"x":[{"__proto__":{"polluted":"yes"}}]}', 'x.0.__proto__'],
] as const;

function expectNotPolluted() {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

describe('forbidden keys in a JSON body', () => {
  for (const [what, raw, path] of bodies) {
    it(`${what}: a 400 naming the key, on the API and the web chat`, async () => {
      for (const [url, headers] of [['/api/v1/auth/login', {}], ['/api/v1/messages', adminAuth], ['/webchat/api/send', {}]] as const) {
        const res = await t.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: raw });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error.code).toBe('forbidden_key');
        expect(res.json().error.message).toContain(path);
        expect(res.json().error.message).not.toMatch(/不是有效的 JSON/);
      }
      expectNotPolluted();
    });
  }

  it('the signed SMS webhook: refused the same way, nothing stored', async () => {
    const raw = `{"id":"${nextId()}","from":"13812340002","to":"1069","text":"你好","__proto__":{"polluted":"yes"}}`;
    const res = await signedInject(t.app, '/webhooks/sms/http', null, { raw });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'forbidden_key' });
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM sms_inbox`);
    expect(rows[0].n).toBe(0);
    expectNotPolluted();
  });

  it('a web-chat socket frame: an invalid frame naming the key', () => {
    const parsed = parseFrame('{"type":"hello","deviceId":"proto-device-0123456789","__proto__":{"polluted":"yes"}}');
    expect(parsed).toMatchObject({ ok: false, code: 'invalid_frame' });
    expect(!parsed.ok && parsed.message).toContain('__proto__');
    expectNotPolluted();
  });

  it('ordinary JSON still works, and broken JSON is still called broken', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: adminAuth, payload: { text: '你好', from: { phone: '13812340003' } } });
    expect(res.statusCode, res.body).toBe(200);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(bad.json().error.code).toBe('invalid_json');
  });
});
