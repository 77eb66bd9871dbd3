import { searchLaborPosts, searchSupplyPosts, type LaborKind, type SupplyKind } from '../../data/index.ts';
import { fill } from '../templates.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import { chinaDay } from '../dates.ts';

/** A post is valid through the day before its exclusive end instant (stored as the next midnight in China). */
function untilLabel(d: Date, now: Date): string {
  const day = chinaDay(new Date(d.getTime() - 1));
  return day.slice(0, 4) === chinaDay(now).slice(0, 4) ? `${Number(day.slice(5, 7))}月${Number(day.slice(8))}日` : day;
}

/**
 * Which side the asker is on. Someone who wants hands ("找剥蒜的工人", "谁会开拖拉机", "有找活的电工吗")
 * wants the seekers' posts; everyone else ("有活吗", "养猪场招人不", "招工一天多少钱") wants hiring posts.
 */
function laborKind(text: string): LaborKind {
  return /找.{0,6}(工人|的人|帮工)|找人|雇|(?<!有)招人(?![不吗没])|想招|要招|缺人|要人|有找活的|找活的人|谁会|谁能|会开.{0,6}的|飞防|无人机/.test(text)
    ? 'seeking'
    : 'hiring';
}

/** Words that say what work, for matching posts ("剥蒜", "采摘"). */
function workWords(text: string): string | undefined {
  const m = /(剥蒜|分拣|冷库|采摘|挖藕|收割|插秧|除草|装车|搬运|包装|育苗|嫁接|修剪|冬剪|司机|电工|瓦工|木工|建筑|保洁|厨师|养猪|饲养|放羊|拖拉机|旋耕|无人机|飞防)/.exec(
    text.replace(/旋地/g, '旋耕'),
  );
  return m?.[1];
}

export async function laborSkill(input: SkillInput): Promise<SkillResult> {
  const { deps, slots, now } = input;
  const kind = laborKind(input.text);
  const county = slots.county ?? input.conversation.county ?? undefined;
  const text = workWords(input.text) ?? slots.commodity;
  let posts = await searchLaborPosts(deps.pool, { county, town: slots.town, text, kind, now, limit: 3 });
  if (!posts.length && text) posts = await searchLaborPosts(deps.pool, { county, town: slots.town, kind, now, limit: 3 });
  input.context.lastSlots = { ...slots };
  const where = slots.town ?? county ?? '';
  if (!posts.length) {
    return {
      text: fill(deps.templates, 'labor_none', { where, what: kind === 'hiring' ? '招工' : '找活' }),
      intent: 'labor', confidence: 0.85, quickReplies: ['全市用工信息'],
    };
  }
  const lines = posts.map(
    (p, i) =>
      `${i + 1}. ${p.title}｜${p.county}${p.town ?? ''}${p.village ?? ''}` +
      `${p.quantityText ? `｜${p.quantityText}` : p.quantity ? `｜${p.quantity}人` : ''}${p.pay ? `｜${p.pay}` : ''}` +
      `｜电话${p.contact}｜${untilLabel(p.expiresAt, now)}前有效`,
  );
  const head = kind === 'hiring' ? `${where}正在招工的信息：` : `${where}想找活的人：`;
  return {
    text: `${head}\n${lines.join('\n')}\n联系前请核实，谨防收费骗局。`,
    intent: 'labor',
    confidence: 0.9,
    citations: [{ documentId: 'table:labor_posts', title: '用工信息', snippet: posts[0].title }],
  };
}

/** "谁收玉米", "有人收黄瓜吗" want buyers; "有卖板栗的吗", "想买点羊" want sellers; undefined when unsaid. */
function supplyKind(text: string): SupplyKind | undefined {
  if (/有卖|有没有卖|谁有卖|哪.{0,3}卖|想买|要买|买点|买些|买几|去哪买/.test(text)) return 'sell';
  if (/收|想卖|要卖|卖给|卖出|出售|回收|谁要|人要/.test(text)) return 'buy';
  return undefined;
}

/**
 * The words that frame a supply question without naming what is traded ("最近有没有收东西的"). What is left
 * once these, the places and the known commodities are taken out is a thing the posts cannot be matched on.
 */
const SUPPLY_FRAME = /有没有|有人|谁家|哪里|哪儿|哪有|俺们|我们|咱们|收购|求购|回收|出售|供求|信息|东西|最近|现在|这边|附近|村里|镇上|乡里|县里|什么|一下|看看|问问|粮食|农产品|土特产|[谁哪俺我咱想要收卖买的吗嘛么不没呢啊呀了点些货有啥帮找能多少价钱斤吨几个是在这那都还给就去来上下里家]/g;

/** A thing named in the question that is no commodity we know ("有人收丹参不" → 丹参), or undefined. */
function unknownGoods(text: string, input: SkillInput): string | undefined {
  let rest = text;
  for (const { word } of input.deps.lexicon.scanOrder) rest = rest.split(word).join(' ');
  return /\p{Script=Han}{2,}/u.exec(rest.replace(SUPPLY_FRAME, ' '))?.[0];
}

export async function supplySkill(input: SkillInput): Promise<SkillResult> {
  const { deps, slots, now } = input;
  // Something named that the posts cannot be matched on: listing other goods would answer another question.
  if (!slots.commodity && unknownGoods(input.text, input)) {
    input.context.lastQuestion = input.text;
    return { text: '', intent: 'supply', confidence: 0, escalate: { reason: 'no_data', category: '市场', passages: [] } };
  }
  // A follow-up ("那大蒜呢") keeps the side asked about before.
  const kind = supplyKind(input.text) ?? ((slots as { direction?: SupplyKind }).direction ?? 'sell');
  const county = slots.county ?? input.conversation.county ?? undefined;
  const base = { town: slots.town, kind, now, limit: 3 };
  const attempts = [
    ...(slots.variety ? [{ ...base, county, commodity: slots.commodity, text: slots.variety }] : []),
    { ...base, county, commodity: slots.commodity },
    // posts name breeds and kinds ("小尾寒羊" for 羊): match the word inside the commodity too
    ...(slots.commodity ? [{ ...base, county, text: slots.commodity }] : []),
    ...(county ? [{ ...base, town: undefined, commodity: slots.commodity }] : []),
  ];
  let posts: Awaited<ReturnType<typeof searchSupplyPosts>> = [];
  for (const search of attempts) {
    posts = await searchSupplyPosts(deps.pool, search);
    if (posts.length) break;
  }
  input.context.lastSlots = { ...slots, direction: kind };
  const kindLabel = kind === 'buy' ? '收购' : '出售';
  if (!posts.length) {
    return {
      text: fill(deps.templates, 'supply_none', { where: slots.town ?? county ?? '', what: slots.commodity ?? '', kind: kindLabel }),
      intent: 'supply', confidence: 0.85,
    };
  }
  const lines = posts.map(
    (p, i) =>
      `${i + 1}. ${kindLabel}${p.commodity}${p.variety ? `（${p.variety}）` : ''}｜${p.county}${p.town ?? ''}` +
      `${p.quantity ? `｜${p.quantity}` : ''}${p.price ? `｜${p.price}` : ''}｜电话${p.contact}｜${untilLabel(p.expiresAt, now)}前有效`,
  );
  return {
    text: `${kindLabel}信息：\n${lines.join('\n')}\n交易前请看货验质，谨防受骗。`,
    intent: 'supply',
    confidence: 0.9,
    citations: [{ documentId: 'table:supply_posts', title: '供求信息', snippet: `${kindLabel}${posts[0].commodity}` }],
  };
}
