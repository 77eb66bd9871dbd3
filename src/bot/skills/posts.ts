import { searchLaborPosts, searchSupplyPosts, type LaborKind, type SupplyKind } from '../../data/index.ts';
import { fill } from '../templates.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import { chinaDay } from '../dates.ts';

function untilLabel(d: Date, now: Date): string {
  const day = chinaDay(d);
  return day.slice(0, 4) === chinaDay(now).slice(0, 4) ? `${Number(day.slice(5, 7))}月${Number(day.slice(8))}日` : day;
}

/** Farmers looking for work want hiring posts; employers looking for hands want seekers. */
function laborKind(text: string): LaborKind {
  return /招工|招人|雇人|缺人|要人|找人干|找工人|找帮工/.test(text) ? 'seeking' : 'hiring';
}

/** Words that say what work, for matching posts ("剥蒜", "采摘"). */
function workWords(text: string): string | undefined {
  const m = /(剥蒜|分拣|采摘|摘|收割|插秧|除草|打药|装车|搬运|包装|育苗|嫁接|修剪|开车|司机|电工|瓦工|木工|建筑|保洁|厨师|养殖|喂|放羊|挖藕)/.exec(text);
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

/** "谁收玉米" wants buyers; "哪里有卖化肥" wants sellers. */
function supplyKind(text: string): SupplyKind {
  return /想买|要买|哪里有卖|哪有卖|哪儿有卖|求购信息|买点|买些/.test(text) ? 'sell' : /卖|出售|谁收|谁要|收购|回收/.test(text) ? 'buy' : 'sell';
}

export async function supplySkill(input: SkillInput): Promise<SkillResult> {
  const { deps, slots, now } = input;
  const kind = supplyKind(input.text);
  const county = slots.county ?? input.conversation.county ?? undefined;
  let posts = await searchSupplyPosts(deps.pool, { county, town: slots.town, commodity: slots.commodity, kind, now, limit: 3 });
  if (!posts.length && county) {
    posts = await searchSupplyPosts(deps.pool, { commodity: slots.commodity, kind, now, limit: 3 });
  }
  input.context.lastSlots = { ...slots };
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
