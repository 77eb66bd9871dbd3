import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';
import { person, type Person } from '../escalation/people.ts';

// What the probe found: a 信息员 posting into another county by chat was refused only after saying "是"
// to the summary. The refusal comes as soon as the county is given, and nothing is posted.
let t: TestContext;
let officer: Person;
beforeAll(async () => {
  t = await createTestApp({}, { seed: false, clock: () => DEMO_NOW });
  officer = await person(t, { username: 'xxy_county', role: 'officer', name: '金乡信息员', counties: ['金乡县'], village: '王庄村' });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

let turn = 0;
async function say(text: string, deviceId: string) {
  const res = await t.app.inject({ method: 'POST', url: '/webchat/api/send', headers: officer.headers, payload: { deviceId, clientId: `c${++turn}`, text } });
  expect(res.statusCode, res.body).toBe(200);
  const bot = (res.json().messages as { author: string; text: string }[]).filter((m) => m.author === 'bot');
  return bot.at(-1)!.text;
}
const posts = async () => (await t.db.pool.query<{ n: number }>(`SELECT (SELECT count(*) FROM labor_posts) + (SELECT count(*) FROM supply_posts) AS n`)).rows[0].n;

describe('an officer posting into another county by chat', () => {
  it('is refused when the county comes with the command', async () => {
    const before = Number(await posts());
    const text = await say('发布用工 招工 任城区 大棚卷帘 电话13800009997', 'county-device-0001');
    expect(text).toMatch(/没有发布：只能发布本县的用工信息/);
    expect(text).toContain('任城区');
    expect(text).toContain('金乡县');
    expect(await say('是', 'county-device-0001')).not.toMatch(/已发布/);
    expect(Number(await posts())).toBe(before);
  });

  it('is refused when the county is the answer to "在哪个县"', async () => {
    const before = Number(await posts());
    expect(await say('发布供求', 'county-device-0002')).toMatch(/卖还是要买/);
    expect(await say('卖', 'county-device-0002')).toMatch(/什么产品/);
    expect(await say('大蒜', 'county-device-0002')).toMatch(/哪个县/);
    const text = await say('嘉祥县', 'county-device-0002');
    expect(text).toMatch(/没有发布：只能发布本县的供求信息/);
    expect(text).toContain('嘉祥县');
    expect(Number(await posts())).toBe(before);
  });

  it('is refused for a machine, whether the county comes with the command or as the answer, and a county from before is not reused', async () => {
    const machines = async () => Number((await t.db.pool.query<{ n: number }>('SELECT count(*) AS n FROM machinery_posts')).rows[0].n);
    const before = await machines();
    const first = await say('发布农机 旋耕机 嘉祥县纸坊镇 一亩六十 电话13800009995', 'county-device-0004');
    expect(first).toMatch(/没有发布：只能发布本县的农机信息/);
    expect(first).toContain('嘉祥县');
    expect(await say('是', 'county-device-0004')).not.toMatch(/已发布/);
    expect(await say('发布农机', 'county-device-0006')).toMatch(/啥机器/);
    expect(await say('旋耕机', 'county-device-0006')).toMatch(/哪个县/);
    const asked = await say('嘉祥县', 'county-device-0006');
    expect(asked).toMatch(/没有发布：只能发布本县的农机信息/);
    expect(await say('发布农机 旋耕机 金乡县胡集镇 一亩六十 电话13800009994', 'county-device-0005')).not.toMatch(/没有发布/);
    expect(await machines()).toBe(before);
  });

  it('its own county goes on to the summary and is posted after "是"', async () => {
    const before = Number(await posts());
    await say('发布供求 卖 大蒜 金乡县 20吨 电话13800009996', 'county-device-0003');
    const last = await say('是', 'county-device-0003');
    expect(last).toMatch(/已发布/);
    expect(Number(await posts())).toBe(before + 1);
  });
});
