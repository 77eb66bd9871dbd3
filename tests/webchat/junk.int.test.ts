import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';

// What the probe found: web chat stored control characters, and 2,000 characters of junk became an expert
// ticket. The text is cleaned before it is stored; junk gets a Chinese reply saying what to send, no ticket.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({}, { seed: false });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

let n = 0;
async function send(text: string, deviceId = `junk-device-${++n}-0123456789`) {
  const res = await t.app.inject({ method: 'POST', url: '/webchat/api/send', payload: { deviceId, clientId: `c${++n}`, text } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().messages as { author: string; text: string }[];
}
const tickets = async () => (await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets')).rows[0].n;

describe('web chat: dirty and junk text', () => {
  it('stores a message without its control characters', async () => {
    const messages = await send('玉米\u0007叶子\u0001发黄\u007F咋办');
    expect(messages[0].text).toBe('玉米叶子发黄咋办');
    const { rows } = await t.db.pool.query<{ text: string }>(`SELECT text FROM messages WHERE author = 'farmer'`);
    // eslint-disable-next-line no-control-regex
    for (const r of rows) expect(r.text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
  });

  const junk: [string, string][] = [
    ['2,000 repeated characters', '啊'.repeat(2000)],
    ['a repeated pair with control characters', '\u0007哈哦'.repeat(600)],
    ['a mashed keyboard', 'asdkjfhaskjdfhqwpoeiruzxmcnvbalskdjfhgqpwoeir'.repeat(20)],
    ['a repeated syllable', 'lalalalalalalalala'],
    ['letters of no script the service reads', 'ЖЖЫЪ ЭЮЯ фывапролджэ'],
    ['digits alone', '1234567 89'],
  ];
  for (const [what, text] of junk) {
    it(`${what}: a Chinese reply on what to send, no ticket`, async () => {
      const before = await tickets();
      const messages = await send(text);
      const bot = messages.filter((m) => m.author !== 'farmer');
      expect(bot.length).toBeGreaterThan(0);
      expect(bot[0].text).toMatch(/请用一两句话写清楚您的问题/);
      expect(await tickets()).toBe(before);
    });
  }

  it('junk after 转人工 is not the question handed over; the real question then is', async () => {
    const deviceId = 'junk-handoff-0123456789';
    await send('转人工', deviceId);
    const before = await tickets();
    expect((await send('哈'.repeat(50), deviceId)).at(-1)!.text).toMatch(/请用一两句话/);
    expect((await send('12345', deviceId)).at(-1)!.text).toMatch(/请用一两句话/);
    expect(await tickets()).toBe(before);
    await send('我家羊不吃草还发烧', deviceId);
    expect(await tickets()).toBe(before + 1);
  });
});
