import { knownCommodities, latestPrice, type PriceRow } from '../../data/index.ts';
import { fill } from '../templates.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import { chinaDay } from '../dates.ts';

function dayLabel(day: string, today: string): string {
  if (day === today) return '今天';
  const [, m, d] = day.split('-').map(Number);
  return `${m}月${d}日`;
}

function money(n: number): string {
  return n.toFixed(2).replace(/\.?0+$/, '');
}

function describe(p: PriceRow): string {
  return `${p.market} ${p.commodity}${p.variety ? `（${p.variety}）` : ''}`;
}

/** Prices come only from the dated prices table: every number in the reply is a number in a row. */
export async function priceSkill(input: SkillInput): Promise<SkillResult> {
  const { deps, slots, context } = input;
  const today = chinaDay(input.now);
  if (!slots.commodity) {
    const known = [...new Set((await knownCommodities(deps.pool)).map((k) => k.commodity))].slice(0, 6);
    context.clarify = { intent: 'price', slot: 'commodity', slots: { ...slots }, question: fill(deps.templates, 'price_which') };
    return { text: context.clarify.question, intent: 'price', confidence: 0.9, quickReplies: known };
  }
  const wanted = slots.date ?? today;
  const found = await latestPrice(deps.pool, {
    commodity: slots.commodity,
    variety: slots.variety,
    market: slots.market,
    county: slots.county ?? input.conversation.county ?? undefined,
    onOrBefore: wanted,
  });
  if (!found) {
    const known = [...new Set((await knownCommodities(deps.pool)).map((k) => k.commodity))];
    return {
      text: fill(deps.templates, 'price_none', { what: slots.variety ?? slots.commodity, known: known.join('、') || '暂无' }),
      intent: 'price',
      confidence: 0.9,
      quickReplies: known.slice(0, 4).map((c) => `${c}价格`),
    };
  }
  const { price, weekBefore, change } = found;
  const lines: string[] = [];
  if (price.date !== wanted) {
    lines.push(fill(deps.templates, 'price_missing_day', { day: dayLabel(wanted, today), date: dayLabel(price.date, today) }));
  }
  lines.push(
    `${dayLabel(price.date, today)} ${describe(price)}：均价${money(price.avg)}${price.unit}` +
      `（最低${money(price.low)}，最高${money(price.high)}）。`,
  );
  if (weekBefore && change) {
    const trend = change.avg > 0 ? `涨了${money(change.avg)}元` : change.avg < 0 ? `跌了${money(-change.avg)}元` : '持平';
    const pct = change.percent !== null && change.avg !== 0 ? `（${money(Math.abs(change.percent))}%）` : '';
    lines.push(`比${dayLabel(weekBefore.date, today)}的${money(weekBefore.avg)}${weekBefore.unit}${trend}${pct}。`);
  }
  lines.push(`来源：${price.source ?? price.market}。价格仅供参考，以当天市场成交为准。`);
  context.lastSlots = { ...slots, commodity: price.commodity, market: price.market };
  return {
    text: lines.join(''),
    intent: 'price',
    confidence: 0.95,
    citations: [
      {
        documentId: 'table:prices',
        title: `${price.market}${price.commodity}价格`,
        source: price.source ?? undefined,
        snippet: `${price.date} ${price.commodity}${price.variety ? ` ${price.variety}` : ''} 均价${money(price.avg)}${price.unit}`,
      },
    ],
    quickReplies: ['昨天呢', '上周呢'],
  };
}
