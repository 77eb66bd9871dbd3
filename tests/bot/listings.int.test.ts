import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';

// What the probe found: asking where the work or the produce is went to an expert. The labour listings and
// the supply posts answer it (src/bot/skills/posts.ts).
let t: TestContext;
beforeAll(async () => {
  t = await createTestApp({}, { seed: true, clock: () => DEMO_NOW });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

let n = 0;
async function ask(text: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: adminAuth, payload: { text, from: { webId: `listings-${++n}-0123` } } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().replies[0] as { text: string; intent: string; escalated: boolean };
}

describe('listing questions reach the listing skills', () => {
  const cases: [string, string][] = [
    ['金乡县哪里招蒜工', 'labor'],
    ['哪里招工', 'labor'],
    ['金乡县哪里有活干', 'labor'],
    ['哪里有大蒜卖', 'supply'],
    ['谁家收玉米', 'supply'],
    ['哪儿能买到大蒜', 'supply'],
  ];
  for (const [text, intent] of cases) {
    it(`${text} → ${intent}`, async () => {
      const r = await ask(text);
      expect(r.intent, r.text).toBe(intent);
      expect(r.escalated).toBe(false);
    });
  }

  it('the labour answer lists the garlic work in 金乡县; the supply answer lists garlic on sale', async () => {
    expect((await ask('金乡县哪里招蒜工')).text).toMatch(/大蒜|蒜/);
    expect((await ask('哪里有大蒜卖')).text).toMatch(/大蒜|蒜/);
  });

  it('price and farming questions are not taken for listings', async () => {
    expect((await ask('金乡大蒜今天啥价')).intent).toBe('price');
    expect((await ask('小麦条锈病用什么药防治')).intent).not.toMatch(/labor|supply/);
  });
});
