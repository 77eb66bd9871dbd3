import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_NOW, type TestContext } from '../helpers/app.ts';
import { parseMarkdownDocument } from '../../src/knowledge/documents.ts';
import { ask } from '../escalation/people.ts';
import { cardStepsFor } from '../../src/bot/emergency.ts';
import { stepsFirst } from '../../src/knowledge/emergency-cards.ts';
import type { SearchHit } from '../../src/knowledge/retriever.ts';

// What a farmer can trust: emergencies get safety steps and an urgent ticket, farming is never turned away,
// a handover shows related material apart from any answer, and a county never leaks into another question.
let t: TestContext;
let phoneNo = 0;
const phone = () => `1370000${String(phoneNo++).padStart(4, '0')}`;

const CARD = `---
title: 鱼塘浮头急救（测试卡）
category: aquaculture
emergency: fish-hypoxia
source: 测试用急救卡
---
# 鱼塘浮头急救
1. 马上开增氧机，测试步骤甲。
2. 停止投喂，测试步骤乙。
`;

beforeAll(async () => {
  t = await createTestApp({}, { seed: true, clock: () => DEMO_NOW });
  await t.knowledge.store.upsert(parseMarkdownDocument(CARD, { sourceKey: 'test:emergency-fish' }));
}, 300_000);
afterAll(async () => {
  await t?.close();
});

async function ticket(id: string | undefined) {
  expect(id, 'the reply has a ticket').toBeTruthy();
  const { rows } = await t.db.pool.query('SELECT priority, county, category FROM tickets WHERE id = $1', [id]);
  return rows[0] as { priority: number; county: string | null; category: string };
}

describe('emergencies first', () => {
  it('fish suffocating: the card’s steps open the reply, and the ticket is urgent', async () => {
    const res = await ask(t, '鱼塘早上鱼都浮头了咋办', phone());
    const [reply] = res.replies;
    expect(reply.text.startsWith('鱼塘浮头急救')).toBe(true);
    expect(reply.text).toContain('测试步骤甲');
    expect(reply.text.indexOf('测试步骤甲')).toBeLessThan(reply.text.indexOf('专家'));
    expect(reply.escalated).toBe(true);
    expect(reply.citations[0]?.title).toBe('鱼塘浮头急救（测试卡）');
    const row = await ticket(reply.ticketId);
    expect(row.priority).toBe(1);
    expect(row.category).toBe('水产');
  });

  it('a poisoning with no card loaded still gets the built-in steps (120, the label) and an urgent ticket', async () => {
    const res = await ask(t, '打完药头晕恶心直冒汗', phone());
    const [reply] = res.replies;
    expect(reply.text).toContain('120');
    expect(reply.text).toContain('标签');
    expect(reply.escalated).toBe(true);
    expect((await ticket(reply.ticketId)).priority).toBe(1);
  });

  it('a poisoning in words no rule knows is found by the trained classifier: the steps and an urgent ticket', async () => {
    const res = await ask(t, '俺爹在棚里喷完药就躺地上起不来了', phone());
    const [reply] = res.replies;
    expect(reply.text).toContain('120');
    expect(reply.escalated).toBe(true);
    expect((await ticket(reply.ticketId)).priority).toBe(1);
  });

  it('"农药中毒了怎么办" is a poisoning now: the card opens with its first steps (120, 脱离现场, the label), urgent', async () => {
    for (const question of ['农药中毒了怎么办', '俺娘误喝农药了咋办']) {
      const [reply] = (await ask(t, question, phone())).replies;
      expect(reply.text.startsWith('农药中毒急救：第一步打120'), reply.text).toBe(true);
      expect(reply.text).toContain('脱离现场');
      expect(reply.text.indexOf('带上标签')).toBeLessThan(reply.text.indexOf('哪些情况一定要去医院'));
      expect(reply.escalated).toBe(true);
      expect((await ticket(reply.ticketId)).priority).toBe(1);
    }
  });

  it('an answer from a later section of a card opens with the card’s first steps, chosen by heading, not by rank', async () => {
    const { rows } = await t.db.pool.query<{ id: string }>(`SELECT id FROM kb_documents WHERE 'emergency:pesticide-poisoning' = ANY(tags) LIMIT 1`);
    const chunks = await t.knowledge.store.chunksOf(String(rows[0].id));
    const later = chunks.find((c) => c.headingPath.at(-1) === '哪些情况一定要去医院')!;
    const hit = (chunk: typeof later) => ({ ...({} as SearchHit), documentId: String(rows[0].id), format: 'markdown', headingPath: chunk.headingPath, content: chunk.content });
    const steps = await cardStepsFor(t.db.pool, hit(later), '喝了百草枯当时没啥感觉还用去医院不');
    expect(steps?.startsWith('农药中毒急救：第一步打120')).toBe(true);
    expect(steps).toContain('脱离现场');
    // the steps themselves, or a question about preventing the emergency, get nothing added
    expect(await cardStepsFor(t.db.pool, hit(chunks.find((c) => c.headingPath.at(-1)?.includes('第一步'))!), '农药中毒咋办')).toBeUndefined();
    expect(await cardStepsFor(t.db.pool, hit(later), '打药咋防护不中毒')).toBeUndefined();
  });

  it('a card’s first steps come first even when the card lists them later', () => {
    const card = '## 以后怎么防\n锁好农药。\n\n## 出事了先做什么\n1. 打120。\n\n## 去医院\n带标签。';
    expect(stepsFirst(card).map((s) => s.heading)).toEqual(['出事了先做什么', '以后怎么防', '去医院']);
  });

  it('a flooded field reads the card’s flood steps before its lightning steps; lightning keeps its own first', async () => {
    const [flood] = (await ask(t, '下了一宿暴雨 玉米地全淹了 水排不出去', phone())).replies;
    expect(flood.escalated).toBe(true);
    expect(flood.text.startsWith('发大水了怎么逃'), flood.text).toBe(true);
    expect(flood.text.indexOf('庄稼被水淹了')).toBeLessThan(flood.text.indexOf('打雷了在地里'));
    const [lightning] = (await ask(t, '在地里打雷了往哪躲', phone())).replies;
    expect(lightning.text.startsWith('打雷了在地里'), lightning.text).toBe(true);
  });

  it('an electric shock reads the card’s shock steps (power off before touching) first; a pit, the pit’s (nobody goes down)', async () => {
    const [shock] = (await ask(t, '浇地的水泵漏电 俺爹被电倒在地头了', phone())).replies;
    expect(shock.escalated).toBe(true);
    expect(shock.text.startsWith('有人触电了急救：先断电'), shock.text).toBe(true);
    expect(shock.text.indexOf('没断电前不要用手拉人')).toBeLessThan(shock.text.indexOf('雷击的人不带电'));
    const [pit] = (await ask(t, '俺娘下白菜窖拿菜 人下去半天没上来', phone())).replies;
    expect(pit.escalated).toBe(true);
    expect(pit.text.startsWith('有人倒在窖里'), pit.text).toBe(true);
    expect(pit.text).toContain('不要下去救人');
  });

  it('a card’s sections about the message’s own trouble lead, first steps first among them', () => {
    const card = '## 打雷了先保人\n下地。\n\n## 发大水了先保人\n往高处走。\n\n## 水淹了的庄稼\n排水。\n\n## 保险\n报损。';
    expect(stepsFirst(card, /水/).map((s) => s.heading)).toEqual(['发大水了先保人', '水淹了的庄稼', '打雷了先保人', '保险']);
  });

  it('a question about preventing an emergency is no emergency: no urgent ticket', async () => {
    const res = await ask(t, '咋预防鱼浮头', phone());
    const [reply] = res.replies;
    expect(reply.text).not.toContain('测试步骤甲');
    if (reply.ticketId) expect((await ticket(reply.ticketId)).priority).not.toBe(1);
  });

  it('a card with an unknown emergency kind is refused with the kinds it may use', () => {
    expect(() => parseMarkdownDocument(CARD.replace('fish-hypoxia', 'fire'), { sourceKey: 'x.md' })).toThrow(/fish-hypoxia/);
  });
});

describe('nothing agricultural is turned away', () => {
  it('a farming question the knowledge does not answer goes to an expert, never "不在我能帮忙的范围"', async () => {
    const [reply] = (await ask(t, '母牛产后瘫痪站不起来了咋整', phone())).replies;
    expect(reply.text).not.toContain('不在我能帮忙的范围');
  });

  it('only what is clearly not farming or rural life is out of scope', async () => {
    const [reply] = (await ask(t, '今天股市怎么样', phone())).replies;
    expect(reply.text).toContain('不在我能帮忙的范围');
    expect(reply.escalated).toBe(false);
  });

  it('the weather forecast is pointed to 12316', async () => {
    const [reply] = (await ask(t, '明天下雨吗', phone())).replies;
    expect(reply.text).toContain('12316');
  });
});

/** The question's ticket: the assistant hands it over itself, or the farmer asks for a person (转人工). */
async function handedOver(p: string, question: string) {
  const [first] = (await ask(t, question, p)).replies;
  if (first.escalated) return first;
  const [reply] = (await ask(t, '转人工', p)).replies;
  expect(reply.escalated).toBe(true);
  return reply;
}

describe('context that does not leak', () => {
  it('a county named in one question is not the county of the next question’s ticket', async () => {
    const p = phone();
    await ask(t, '嘉祥县有招工的吗', p);
    const reply = await handedOver(p, '我想申请农机购置补贴，咋办');
    expect((await ticket(reply.ticketId)).county).toBeNull();
  });

  it('the farmer’s own county, once said, is the ticket’s county', async () => {
    const p = phone();
    await ask(t, '俺是金乡县的', p);
    const reply = await handedOver(p, '我想申请农机购置补贴，咋办');
    expect((await ticket(reply.ticketId)).county).toBe('金乡县');
  });
});
