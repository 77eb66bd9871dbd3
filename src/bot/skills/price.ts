import { knownCommodities, latestPrice, type PriceRow } from '../../data/index.ts';
import { fill } from '../templates.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import { chinaDay } from '../dates.ts';
import { knowledgeSkill } from './knowledge.ts';
import { serviceSkill } from './service.ts';

/**
 * A price the state sets (最低收购价, 托市收购, 目标价格) is policy, not a market quote: answering it with the
 * day's 收购点 price tells the farmer a wrong policy figure. It goes to the knowledge base and, when that
 * does not hold it, to the policy experts.
 */
const POLICY_PRICE = /最低收购价|托市|保护价|目标价格|收购政策|临储/;

function dayLabel(day: string, today: string): string {
  if (day === today) return '今天';
  const [, m, d] = day.split('-').map(Number);
  return `${m}月${d}日`;
}

/** A price as the table has it: no rounding beyond the stored digits, no trailing zeros. */
function money(n: number): string {
  return String(Math.round(n * 10000) / 10000);
}

function describe(p: PriceRow): string {
  return `${p.market} ${p.commodity}${p.variety ? `（${p.variety}）` : ''}`;
}

/**
 * A machine's or a tool's price ("种蒜播种机多少钱一台") is no market quote: the prices table holds produce only,
 * and answering with the garlic price the question happens to name is a wrong answer. It goes to the
 * machinery experts.
 */
const MACHINE_PRICE = /(播种|收割|旋耕|拖拉|插秧|打药|喷药|喷雾|脱粒|粉碎|烘干|植保|无人|挖掘|割草|抽水|增氧|微耕|开沟|起垄|覆膜|铺膜|剥蒜|割蒜|切根|打捆|秸秆|收获)机|农机|机器|机具|喷雾器|铁牛|四轮|多少钱一台|几千一台|一台多少|一台要/;

/**
 * Seed, fertiliser, feed or pesticide ("玉米种多少钱一斤", "复合肥一袋啥价"): a farm input, not the produce the
 * table quotes. The 玉米 price is no answer to the seed's; the market experts get it.
 */
const INPUT_PRICE = /((玉米|小麦|麦|大豆|黄豆|花生|蒜|棉花|稻|高粱|谷)种(?![植地了的时上下完])|种子|化肥|复合肥|尿素|磷肥|钾肥|农药|饲料|地膜|棚膜)/;

/**
 * The station named as the one that would look the price up ("益农社能查市场价格不", "信息员能帮着打听行情不"):
 * a question about what the station offers, not for a quote. Asking which produce would answer nothing asked.
 */
const ABOUT_THE_STATION = /益农|信息社|信息员|服务站/;

/**
 * What raising or growing costs or earns ("养鸡的成本多少钱一只", "种一亩蒜能赚多少"): a farming question, which a
 * market quote does not answer. The knowledge base answers it or an expert does.
 */
const COST_OR_PROFIT = /成本|本钱|投入|花多少|要花|得花|赚多少|挣多少|利润|划算不|划得来/;

/**
 * Words of a market price. A "多少" question that names no produce and none of these ("低保一个月能领多少") asks
 * no price: asking which produce would answer nothing asked, so it goes where the knowledge or an expert answers.
 */
const PRICE_TALK = /价|行情|多少钱|几块|几毛|块钱|斤|公斤|吨|卖|收购|收的|贵|便宜|市场|市面/;

/** Prices come only from the dated prices table: every number in the reply is a number in a row. */
export async function priceSkill(input: SkillInput): Promise<SkillResult> {
  if (POLICY_PRICE.test(input.text)) return knowledgeSkill(input, 'policy');
  if (COST_OR_PROFIT.test(input.text)) return knowledgeSkill(input, 'agronomy');
  const notProduce = MACHINE_PRICE.test(input.text) ? '农机' : INPUT_PRICE.test(input.text) ? '市场' : undefined;
  if (notProduce) {
    input.context.lastQuestion = input.text;
    return { text: '', intent: 'price', confidence: 0, escalate: { reason: 'no_data', category: notProduce, passages: [] } };
  }
  const { deps, slots, context } = input;
  if (!slots.commodity && ABOUT_THE_STATION.test(input.text)) return serviceSkill(input);
  if (!slots.commodity && !PRICE_TALK.test(input.text)) return knowledgeSkill(input, 'policy');
  const today = chinaDay(input.now);
  if (!slots.commodity) {
    const known = [...new Set((await knownCommodities(deps.pool)).map((k) => k.commodity))].slice(0, 6);
    context.clarify = { intent: 'price', slot: 'commodity', slots: { ...slots }, question: fill(deps.templates, 'price_which') };
    return { text: context.clarify.question, intent: 'price', confidence: 0.9, quickReplies: known };
  }
  const wanted = slots.date ?? today;
  const query = {
    commodity: slots.commodity,
    variety: slots.variety,
    market: slots.market,
    county: slots.county ?? input.conversation.county ?? undefined,
    onOrBefore: wanted,
  };
  const notes: string[] = [];
  let found = await latestPrice(deps.pool, query);
  if (!found && slots.variety) {
    // No quote for that variety ("济麦22"): the commodity's own quote, saying so.
    found = await latestPrice(deps.pool, { ...query, variety: undefined });
    if (found) notes.push(`没有${slots.variety}的单独报价，下面是${found.price.commodity}的行情。`);
  }
  if (!found && slots.market && slots.county) {
    found = await latestPrice(deps.pool, { ...query, market: undefined });
  }
  if (found && slots.county && found.price.county && found.price.county !== slots.county && !slots.market) {
    notes.push(`没有${slots.county}的${found.price.commodity}报价，下面是${found.price.market}的。`);
  }
  if (!found && wanted !== today) {
    // Nothing on or before that day: say so, and give the latest there is.
    found = await latestPrice(deps.pool, { ...query, onOrBefore: today });
  }
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
  const lines: string[] = [...notes];
  if (price.date !== wanted) {
    lines.push(fill(deps.templates, 'price_missing_day', { day: dayLabel(wanted, today), date: dayLabel(price.date, today) }));
  }
  // When the day differs from the one asked, name it by its date, so it cannot pass for the day asked.
  const priceDay = price.date === wanted ? dayLabel(price.date, today) : dayLabel(price.date, '');
  lines.push(
    `${priceDay} ${describe(price)}：均价${money(price.avg)}${price.unit}` +
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
