import { findServicePoints } from '../../data/index.ts';
import { fill } from '../templates.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import { knowledgeSkill } from './knowledge.ts';
import { clauses } from './stations/intents.ts';
import { asksOwnStation, planCitation, planFactReply } from './plan-answers.ts';
import { asksAmount, PLAN_CALIBRATION } from '../../programme/index.ts';

const SERVICE_WORDS: [RegExp, string][] = [
  [/提现|取钱|取款|取点钱/, '提现'], [/缴费|交费|电费|水费|话费/, '缴费'], [/挂号/, '挂号'], [/快递|邮寄|寄(?!生|养|宿|托|存)/, '快递'],
  [/代购|代买|农资|买化肥|买种子/, '代购'], [/培训/, '培训'], [/网上卖|电商|网店/, '销售'],
];
const ASKING = /[?？吗么呢]|能不能|可不可以|行不行|咋|怎么|如何|哪|啥|什么|能.{0,12}不$/;

/**
 * The service a question is about, read clause by clause: the clauses that ask first. "俺家化肥用完了，想问问
 * 信息社能取钱吗" asks about 提现; a clause that mentions buying does not make it a 代购 question.
 */
function askedService(text: string): string | undefined {
  const parts = clauses(text);
  for (const clause of [...parts.filter((c) => ASKING.test(c)), ...parts.filter((c) => !ASKING.test(c))]) {
    const found = SERVICE_WORDS.find(([re]) => re.test(clause))?.[1];
    if (found) return found;
  }
  return undefined;
}

/** Questions about a station itself (where, hours, phone) rather than about how a service works. */
// "手机就会接个电话" is no question for the station's phone number.
const ABOUT_STATION = /在哪|哪个|哪儿|地址|几点|开门|关门|(?<!接个?|打个?)电话|附近|最近|管俺村|管我村/;
/** A hotline named by its number ("12316打过去几点有人接"): its hours are the line's, not a station's. */
const NAMES_HOTLINE = /\d{5,}|热线/;

/** What a service costs ("要收钱不", "手续费多少"): the same at every station, so no place is asked. */
const ABOUT_FEES = /收钱|收费|手续费|花钱|要钱|免费|给钱/;

/** Which 益农信息社 serves a place (from the service_points table), plus how a named service works (knowledge base). */
export async function serviceSkill(input: SkillInput): Promise<SkillResult> {
  const { deps, slots } = input;
  const service = askedService(input.text);
  const place = slots.village ?? slots.town ?? slots.county;
  const aboutStation = (ABOUT_STATION.test(input.text) && !NAMES_HOTLINE.test(input.text)) || asksOwnStation(input.text);
  const how = aboutStation && !service ? undefined : await knowledgeSkill(input, 'service');
  if (ABOUT_FEES.test(input.text) && !aboutStation) return how ? { ...how, intent: 'service' } : knowledgeSkill(input, 'service');
  if (!place) {
    // What the stations offer ("便民服务都接了些啥 看病挂号 取钱能办不"): the plan says it, when it surely matches.
    const plan = !aboutStation && (!how || how.escalate) ? planFactReply(deps.planFacts ?? [], input.text) : undefined;
    if (plan?.answer && plan.probability >= PLAN_CALIBRATION.threshold) {
      input.context.clarify = { intent: 'service', slot: 'place', slots: { ...slots }, question: input.text };
      return {
        text: `${plan.answer}\n${fill(deps.templates, 'service_where')}`, intent: 'service', confidence: plan.probability,
        citations: [planCitation(plan.answer)],
      };
    }
    if (how && !how.escalate && !service) return { ...how, intent: 'service' };
    if (how && !how.escalate && service) {
      input.context.clarify = { intent: 'service', slot: 'place', slots: { ...slots }, question: input.text };
      return { ...how, intent: 'service', text: `${how.text}\n${fill(deps.templates, 'service_where')}` };
    }
    // A limit, a price or a count (src/programme/focus.ts): the station table has places and hours, no amounts, so
    // when the knowledge base has none either, the question goes to an expert rather than asking where the farmer lives.
    if (how?.escalate && service && asksAmount(input.text)) return { ...how, intent: 'service' };
    if (aboutStation || service) {
      // Ask where, once: the next answer ("俺是羊山镇的") fills the place and this question is answered.
      input.context.clarify = { intent: 'service', slot: 'place', slots: { ...slots }, question: input.text };
      const general = aboutStation ? await knowledgeSkill(input, 'service') : undefined;
      const lead = general && !general.escalate ? `${general.text}\n` : '';
      return {
        text: `${lead}${fill(deps.templates, 'service_where')}`,
        intent: 'service', confidence: 0.8, citations: general?.citations, quickReplies: ['帮助'],
      };
    }
    return how ?? knowledgeSkill(input, 'service');
  }
  const search = { county: slots.county, town: slots.town, village: slots.village, limit: 3 };
  let points = await findServicePoints(deps.pool, { ...search, service });
  if (!points.length && service) points = await findServicePoints(deps.pool, search);
  if (!points.length && slots.village) points = await findServicePoints(deps.pool, { county: slots.county, town: slots.town, limit: 3 });
  if (!points.length && slots.town) points = await findServicePoints(deps.pool, { county: slots.county, limit: 3 });
  if (!points.length) {
    return { text: fill(deps.templates, 'service_none', { where: place }), intent: 'service', confidence: 0.8 };
  }
  const exact = points.some((p) => (slots.village && p.village === slots.village) || (!slots.village && slots.town && p.town === slots.town));
  const lines = points.map(
    (p) => `${p.name}：${p.address ?? ''}${p.phone ? `，电话${p.phone}` : ''}${p.hours ? `，营业时间${p.hours}` : ''}` +
      `${service && !p.services.some((s) => s.includes(service)) ? '（没有登记这项服务，去前先打电话问问）' : ''}`,
  );
  const head = exact ? `${place}的益农信息社：` : `没有查到${place}登记的益农信息社，附近的有：`;
  // Only a service question gets the how-to passage; "where is it" gets the station alone.
  const howText = how && !how.escalate && service ? `\n${how.text}` : '';
  return {
    text: `${head}\n${lines.join('\n')}${howText}`,
    intent: 'service',
    confidence: 0.9,
    citations: [{ documentId: 'table:service_points', title: '益农信息社名录', snippet: points[0].name }, ...(howText ? (how?.citations ?? []) : [])],
  };
}
