import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, type TestContext } from '../helpers/app.ts';

// Issue 10 §7: slots carry over only into a real follow-up. "那羊拉稀呢" right after a programme answer
// is a new question about sheep, not the programme question asked again.
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({}, { seed: true });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

async function ask(text: string, webId: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: adminAuth, payload: { text, from: { webId } } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().replies[0] as { text: string; intent: string; escalated: boolean };
}

describe('a follow-up that names a new subject is a new question', () => {
  it('"那羊拉稀呢" after a programme answer asks about sheep diarrhoea', async () => {
    const first = await ask('鱼台县要建多少个益农信息社', 'follow-up-sheep-01');
    expect(first.intent).toBe('programme');
    const next = await ask('那羊拉稀呢', 'follow-up-sheep-01');
    expect(next.intent).not.toBe('programme');
    expect(next.text).not.toContain('鱼台');
    expect(next.text).not.toMatch(/益农信息社/);
  });

  it('"那汶上县呢" after a programme answer is still the programme question, for 汶上县', async () => {
    await ask('鱼台县要建多少个益农信息社', 'follow-up-county-01');
    const next = await ask('那汶上县呢', 'follow-up-county-01');
    expect(next.intent).toBe('programme');
    expect(next.text).toContain('汶上');
  });

  it('"那苹果呢" after a price answer is still a price question', async () => {
    await ask('金乡大蒜今天啥价', 'follow-up-price-01');
    expect((await ask('那苹果呢', 'follow-up-price-01')).intent).toBe('price');
  });
});
