import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMarkdownDocument, parseQaFile } from '../../src/knowledge/documents.ts';
import { ChineseTokenizer } from '../../src/knowledge/tokenizer.ts';
import { stepsFirst } from '../../src/knowledge/emergency-cards.ts';
import { LIMITS } from '../../src/channels/sms/encoding.ts';
import { DEFAULT_BUDGET_SEGMENTS, MORE_HINT } from '../../src/channels/sms/pager.ts';

/**
 * The safety facts farmers act on, read from the shipped seed files: which pesticides are banned and since
 * when, what to do when someone is poisoned. A wrong date or a dropped step here is a danger, not a typo.
 */
const seeds = path.join(import.meta.dirname, '..', '..', 'seeds');
const agronomy = (name: string) => path.join(seeds, 'knowledge', 'agronomy', name);
const read = (file: string) => readFileSync(file, 'utf8');
const doc = (name: string) => parseMarkdownDocument(read(agronomy(name)), { sourceKey: name });
/** The body of one `## ` section whose heading contains `heading`. */
function section(content: string, heading: string): string {
  const parts = content.split(/^## /m).filter((p) => p.startsWith(heading) || p.split('\n')[0].includes(heading));
  expect(parts, `no section "${heading}"`).toHaveLength(1);
  return parts[0];
}

describe('banned and restricted pesticides', () => {
  const list = doc('pesticide-banned-list.md');
  const banned = section(list.content, '任何作物上都不能买');

  it.each([
    // [products, announcement, date from which sale and use are banned]
    [['氧乐果', '克百威', '呋喃丹', '灭多威', '涕灭威'], '第736号', '2026年6月1日起禁止销售和使用'],
    [['甲拌磷', '3911', '甲基异柳磷', '水胺硫磷', '灭线磷'], '第536号', '2024年9月1日起禁止销售和使用'],
    [['2,4-滴丁酯'], '第2445号', '2023年1月29日起禁止使用'],
    [['百草枯'], '第1745号', '任何剂型都不允许在国内销售和使用'],
  ])('%j are banned on every crop (公告%s, %s)', (products, notice, date) => {
    const line = banned.split('\n').find((l) => products.every((p) => l.includes(p)));
    expect(line, `one line names ${products.join('、')}`).toBeDefined();
    expect(line).toContain(notice);
    expect(line).toContain(date);
  });

  it('no longer says 克百威 or 氧乐果 are banned only on vegetables', () => {
    for (const name of ['pesticide-safety.md', 'pesticide-banned-list.md']) {
      const text = read(agronomy(name));
      expect(text).not.toMatch(/克百威、氧乐果、灭多威、涕灭威等禁止在蔬菜/);
      expect(text).not.toContain('百草枯水剂也已禁止');
    }
  });

  it('keeps the crop-specific bans with their scope', () => {
    const restricted = section(list.content, '只是不能用在某些作物上');
    const line = (word: string) => restricted.split('\n').find((l) => l.includes(word)) ?? '';
    expect(line('乙酰甲胺磷')).toMatch(/乐果.*丁硫克百威.*2019年8月1日起禁止在蔬菜、瓜果、茶叶、菌类和中草药材上使用.*第2552号/);
    expect(line('毒死蜱')).toMatch(/三唑磷.*禁止在蔬菜上使用/);
    expect(line('丁酰肼')).toMatch(/禁止在花生上使用.*第274号/);
    expect(line('氟虫腈')).toMatch(/种子包衣.*第1157号/);
  });

  it('tells the farmer to confirm with the county bureau and where to report sellers', () => {
    expect(list.content).toContain('县农业农村局');
    expect(list.content).toContain('12316');
    expect(list.source).toMatch(/第536号.*第736号/);
  });

  it('keeps high-toxicity products off water plants (藕田) and warns about 磷化铝 fumigation at home', () => {
    expect(list.content).toMatch(/剧毒、高毒农药.*不得用于水生植物（藕/);
    expect(list.content).toMatch(/磷化铝.*不能在住人的屋里熏/);
  });

  it('the summary in the safe-use document agrees with the list', () => {
    const summary = section(doc('pesticide-safety.md').content, '哪些农药不能用');
    expect(summary).toMatch(/克百威（呋喃丹）.*2026年6月1日起全面禁止销售和使用.*第736号/);
    expect(summary).toMatch(/甲拌磷（3911）.*2024年9月1日起全面禁止销售和使用.*第536号/);
    expect(summary).toMatch(/百草枯：任何剂型/);
  });

  it('the FAQ pairs carry the same dates', () => {
    const pairs = parseQaFile(read(path.join(seeds, 'faq', 'agronomy.jsonl')), { sourceKey: 'agronomy.jsonl' });
    const answer = (q: string) => pairs.find((p) => p.title === q)?.content ?? '';
    expect(answer('什么农药不能打蔬菜上？')).toMatch(/2026年6月1日起全面禁用.*3911.*2024年9月1日起全面禁用.*百草枯任何剂型/);
    expect(answer('3911还能用吗？拌麦种防地下虫')).toContain('2024年9月1日');
    expect(answer('呋喃丹还能在玉米花生上用不？')).toContain('2026年6月1日');
    // 敌草快 is offered as 百草枯's replacement: it is as deadly to swallow, with no antidote.
    expect(answer('百草枯胶剂还能买吗？')).toMatch(/敌草快喝下去同样常常致命、没有解药.*不要用饮料瓶装/);
  });
});

describe('old trade names find the banned-list passage', () => {
  let tokenizer: ChineseTokenizer;
  beforeAll(async () => {
    tokenizer = await ChineseTokenizer.load({ lexiconDir: path.join(seeds, 'lexicon') });
  });

  it.each([
    ['3911还能用吗', '甲拌磷'],
    ['呋喃丹能打花生不', '克百威'],
    ['氧化乐果打麦子中不中', '氧乐果'],
    ['克无踪还有卖的吗', '百草枯'],
  ])('"%s" is searched as %s, which the banned list has', (question, standard) => {
    expect(tokenizer.tokens(question)).toContain(standard);
    expect(tokenizer.tokens(doc('pesticide-banned-list.md').content)).toContain(standard);
  });

  it('a local pest name is searched as the standard one', () => {
    expect(tokenizer.tokens('麦子上腻虫多')).toContain('蚜虫');
  });
});

describe('pesticide poisoning first aid', () => {
  const steps = section(doc('pesticide-safety.md').content, '农药中毒了怎么急救');

  it.each([
    ['call 120', /打120/],
    ['leave the place', /脱离现场.*空气新鲜/],
    ['take off contaminated clothes', /脱去衣物.*脱掉被药打湿的衣服/],
    ['wash the skin with plenty of cool water, not hot', /冲洗皮肤.*大量干净的凉水.*不要用热水/],
    ['no soap, soda or baking soda on 敌百虫: alkali turns it into 敌敌畏', /敌百虫的，只用清水冲，不要用肥皂、碱面、小苏打水.*敌敌畏/],
    ['rinse the eyes for 15 minutes', /冲洗眼睛.*清水连续冲洗15分钟以上/],
    ['do not make the person vomit unless a doctor says so', /不要催吐.*除非医生或120/],
    ['bring the label', /带上标签.*农药瓶子或标签/],
  ])('says: %s', (_what, pattern) => {
    expect(steps.replace(/\*\*/g, '').replace(/\n/g, ' ')).toMatch(pattern);
  });

  it('puts calling 120 first', () => {
    expect(steps.indexOf('120')).toBeLessThan(steps.indexOf('脱离现场'));
  });
});

describe('review dates in front matter', () => {
  it('a review date in front matter is the review record, and does not mark the document as an expert answer', () => {
    const parsed = doc('pesticide-safety.md');
    expect(matter(read(agronomy('pesticide-safety.md'))).data.reviewedAt).toBeInstanceOf(Date);
    expect(parsed.review?.reviewedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(parsed.reviewed ?? false).toBe(false);
  });
});

describe('emergency cards', () => {
  const kinds = ['fish-hypoxia', 'pesticide-poisoning', 'animal-disease', 'lightning-flood', 'dead-animals', 'gas-poisoning'];
  const cards = readdirSync(path.join(seeds, 'knowledge', 'agronomy'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => ({ file: f, front: matter(read(agronomy(f))).data as Record<string, unknown>, doc: doc(f) }))
    .filter((c) => c.front.emergency !== undefined);
  const card = (kind: string) => {
    const found = cards.filter((c) => c.front.emergency === kind);
    expect(found, `one card for ${kind}`).toHaveLength(1);
    return found[0].doc.content.replace(/\*\*/g, '');
  };

  it('there is exactly one card of each kind, titled as a card, and no unknown kind', () => {
    expect(cards.map((c) => c.front.emergency).sort()).toEqual([...kinds].sort());
    for (const c of cards) {
      expect(c.doc.title).toMatch(/^急救卡：/);
      expect(c.front.reviewedAt).toBeInstanceOf(Date);
      expect(c.front.reviewBy).toBeInstanceOf(Date);
    }
  });

  it('fish suffocating: aerate, no dosing or feeding while gasping, backup power, electrical safety, dead fish not sold, whom to call', () => {
    const t = card('fish-hypoxia');
    expect(t).toContain('开足增氧机');
    expect(t).toMatch(/不要喂食，不要泼杀虫药、消毒药/);
    expect(t).toMatch(/发电机或备用电源/);
    expect(t).toMatch(/漏电保护器/);
    expect(t).toMatch(/不要湿手碰开关.*不要下塘检修/);
    expect(t).toMatch(/死了鱼.*不能卖、不能吃/);
    expect(t).toContain('县水产技术推广站');
  });

  it('pesticide poisoning: the first steps in order, 120 first, then each step explained', () => {
    const t = card('pesticide-poisoning');
    const first = t.slice(0, t.indexOf('## 每一步怎么做'));
    const order = ['打120', '脱离现场', '大量凉水', '眼睛', '不要催吐', '标签'];
    const at = order.map((w) => first.indexOf(w));
    expect(at.every((i) => i >= 0), `all of ${order.join('/')} in the first steps`).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(t).toMatch(/除非医生或120调度员/);
    // Alkali turns 敌百虫 into the more toxic 敌敌畏: the card must never leave soap as the only advice.
    expect(first).toMatch(/敌百虫只用清水，不用肥皂/);
    expect(t).toMatch(/敌百虫的，只用清水冲，不要用肥皂、碱面、小苏打水.*敌敌畏/);
    // An unconscious person is fed nothing; a rescuer gives no mouth-to-mouth to someone soaked in pesticide.
    expect(first).toMatch(/昏迷就侧躺，什么也不喂/);
    expect(t).toMatch(/不要嘴对嘴吹气/);
  });

  it('notifiable animal disease: the legal duty to report, do not move or sell, the five diseases, whom to call', () => {
    const t = card('animal-disease');
    expect(t).toMatch(/报告是法律义务.*动物防疫法/);
    expect(t).toMatch(/不移动、不出售、不宰杀/);
    // people first: zoonoses (禽流感, 炭疽, 猪链球菌) kill; nobody touches a dead animal bare-handed
    const first = t.slice(t.indexOf('\n'), t.indexOf('## ', 3));
    expect(first).toMatch(/1\. 人先防护：不空手碰/);
    expect(first.indexOf('不空手碰')).toBeLessThan(first.indexOf('马上报告'));
    for (const disease of ['非洲猪瘟', '口蹄疫', '禽流感', '小反刍兽疫', '牛结节性皮肤病']) expect(t).toContain(disease);
    expect(t).toMatch(/县畜牧兽医站/);
    expect(t).toContain('12316');
  });

  it('lightning and flood: people first, then crops, ponds and livestock after the water', () => {
    const t = card('lightning-flood');
    const people = t.indexOf('先保人');
    expect(people).toBeGreaterThanOrEqual(0);
    for (const later of ['庄稼被水淹了，水退了怎么救', '鱼塘和牲口遭了水灾，水退了怎么管']) expect(t.indexOf(later)).toBeGreaterThan(people);
    expect(t).toMatch(/不在大树、电线杆/);
    expect(t).toMatch(/双脚并拢蹲下/);
    expect(t).toContain('120');
  });

  it('an electric shock: the power cut before anyone touches the person (unlike lightning, a live wire kills the rescuer)', () => {
    const t = card('lightning-flood');
    const shock = t.slice(t.indexOf('## 有人触电'));
    expect(shock.indexOf('断电')).toBeLessThan(shock.indexOf('120'));
    expect(shock).toMatch(/没断电前不要用手拉人/);
  });

  it('gas from a stove: air the shed first, the person out to fresh air, 120, nobody back in until aired; no rescuer down a pit', () => {
    const t = card('gas-poisoning');
    const order = ['开门、开风口', '把人抬到棚外', '拨打120', '不再进去'];
    const at = order.map((w) => t.indexOf(w));
    expect(at.every((i) => i >= 0), `all of ${order.join('/')}`).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(t).toMatch(/没放透风之前谁也别进去/);
    // down a cellar or a biogas pit: nobody goes down unprotected, a rope is no protection
    const pit = t.slice(t.indexOf('## 有人倒在窖里'));
    expect(pit).toMatch(/^[^\n]*\n+1\. 不要下去救人/);
    expect(pit).toMatch(/系着绳子下去也会倒/);
    expect(pit).toMatch(/119和120/);
    expect(pit).toMatch(/不点火、不抽烟/);
    expect(t).not.toMatch(/系好安全绳，上面有人拉着/);
    expect(t).toContain('装烟囱');
  });

  it('dead animals and fish: not sold or eaten, safe disposal, suspected anthrax not opened, whom to call for insurance', () => {
    const t = card('dead-animals');
    expect(t).toMatch(/不能卖给收死猪的，不能自己宰了吃/);
    expect(t.slice(0, t.indexOf('## ', 3))).toMatch(/别空手碰：戴手套、口罩/);
    expect(t).toContain('无害化处理');
    expect(t).toMatch(/炭疽：千万不要剥皮、剖开/);
    expect(t).toMatch(/保险公司电话报案/);
    expect(t).toContain('县畜牧兽医站');
  });

  it.each([
    ['fish-hypoxia', undefined],
    ['pesticide-poisoning', undefined],
    ['animal-disease', undefined],
    ['gas-poisoning', undefined],
    ['gas-poisoning', /窖|沼气/],
    ['lightning-flood', undefined],
    ['lightning-flood', /触电/],
    ['lightning-flood', /水/],
  ] as const)('%s: the first steps the reply opens with (about %s) fit the first SMS page', (kind, about) => {
    const found = cards.find((c) => c.front.emergency === kind)!;
    const first = stepsFirst(found.doc.content, about)[0];
    const read = first.text.replace(/^#{1,6}\s+/gm, '').replace(/\*\*/g, '').replace(/\n{2,}/g, '\n').trim();
    // the first page of an SMS reply: DEFAULT_BUDGET_SEGMENTS UCS-2 parts, less the "reply 1 for more" hint
    expect(read.length, read).toBeLessThanOrEqual(DEFAULT_BUDGET_SEGMENTS * LIMITS.ucs2.part - MORE_HINT.length);
  });
});
