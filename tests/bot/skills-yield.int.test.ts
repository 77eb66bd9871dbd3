import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';
import { ask } from '../escalation/people.ts';

// The plan, price and service skills answer only when what they return holds what was asked; otherwise they
// yield (to the knowledge skill, to an expert of the right kind) instead of answering with a neighbouring fact.
let t: TestContext;
let phoneNo = 0;
const phone = () => `1371000${String(phoneNo++).padStart(4, '0')}`;

beforeAll(async () => {
  t = await createTestApp({}, { seed: true, clock: () => DEMO_NOW });
}, 300_000);
afterAll(async () => {
  await t?.close();
});

async function category(id: string | undefined) {
  expect(id, 'the reply has a ticket').toBeTruthy();
  const { rows } = await t.db.pool.query('SELECT category FROM tickets WHERE id = $1', [id]);
  return (rows[0] as { category: string }).category;
}

describe('a plan fact answers only what it holds', () => {
  it('money asked about the operators is the funding fact, not how the operators are chosen', async () => {
    for (const q of ['运营主体能拿到补助不', '给运营商补钱不']) {
      const [reply] = (await ask(t, q, phone())).replies;
      expect(reply.text, q).not.toContain('公开招募');
      if (!reply.escalated) expect(reply.text, q).toContain('补助');
    }
  });

  it('a 信息员’s pay is not answered with the 信息员 standard', async () => {
    for (const q of ['当信息员每月能挣多少', '村信息员给发工资不']) {
      const [reply] = (await ask(t, q, phone())).replies;
      // handed over (the standard may be shown as related material), or answered with something else
      if (!reply.escalated) expect(reply.text, q).not.toContain('有文化、懂信息');
      else expect(reply.text.indexOf('有文化、懂信息'), q).not.toBe(0);
    }
  });
});

describe('the station’s services are no price question', () => {
  it('"can the station look prices up" says what the station offers, and asks no produce', async () => {
    for (const q of ['在益农社能查到农产品价格吗', '信息社能帮着查行情不']) {
      const [reply] = (await ask(t, q, phone())).replies;
      expect(reply.text, q).not.toContain('您想问哪种农产品的价格');
      expect(reply.escalated, reply.text).toBe(false);
      expect(reply.text, q).toContain('市场价格');
    }
  });
});

describe('a fact must name who or what was asked about', () => {
  it('when the 信息员 training starts is not answered with the stations’ schedule', async () => {
    const [reply] = (await ask(t, '信息员的培训从啥时候开始搞', phone())).replies;
    expect(reply.text.startsWith('自2019年起')).toBe(false);
  });

  it('who our own village’s 信息员 is asks the place (the station list), not the plan’s 信息员 standard', async () => {
    const [reply] = (await ask(t, '咱村的信息员是谁啊', phone())).replies;
    expect(reply.text).not.toContain('有文化、懂信息');
    expect(reply.text).toContain('哪个县');
  });
});

describe('a cost of farming is no market quote', () => {
  it('what raising costs goes to the knowledge base or an expert, never to the prices table', async () => {
    const [reply] = (await ask(t, '养一只羊的本钱得多少钱', phone())).replies;
    expect(reply.text).not.toContain('价格信息');
    expect(reply.text).not.toContain('均价');
  });
});

describe('plan dates and a county’s villages in plain words', () => {
  it('the month the plan came out is the document’s date, not the schedule', async () => {
    const [reply] = (await ask(t, '这个方案是2019年哪个月发下来的', phone())).replies;
    expect(reply.text).toContain('2019年3月29日');
  });

  it('a county’s 村子数 is its village count, not a handover', async () => {
    const [reply] = (await ask(t, '曲阜的村子数', phone())).replies;
    expect(reply.escalated).toBe(false);
    expect(reply.text).toContain('379');
  });
});

describe('farming that names an expert is farming', () => {
  it('a spray an expert prescribed goes to plant protection, not to the policy experts', async () => {
    const [reply] = (await ask(t, '农技专家开的药方 俺照着配就行了吧', phone())).replies;
    if (reply.escalated) expect(await category(reply.ticketId)).toBe('植保');
    expect(reply.text).not.toContain('政策专家');
  });
});
