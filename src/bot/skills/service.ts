import { findServicePoints } from '../../data/index.ts';
import { fill } from '../templates.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import { knowledgeSkill } from './knowledge.ts';

const SERVICE_WORDS: [RegExp, string][] = [
  [/提现|取钱|取款/, '提现'], [/缴费|交费|电费|水费|话费/, '缴费'], [/挂号/, '挂号'], [/快递|寄/, '快递'],
  [/代购|代买|农资/, '代购'], [/培训/, '培训'], [/网上卖|电商|网店/, '销售'],
];

/** Which 益农信息社 serves a place (from the service_points table), plus how the service works (knowledge base). */
export async function serviceSkill(input: SkillInput): Promise<SkillResult> {
  const { deps, slots } = input;
  const service = SERVICE_WORDS.find(([re]) => re.test(input.text))?.[1];
  const place = slots.village ?? slots.town ?? slots.county;
  const how = await knowledgeSkill(input, 'service');
  if (!place) {
    // Ask where, once: the next answer ("俺是羊山镇的") fills the place and this question is answered.
    input.context.clarify = { intent: 'service', slot: 'place', slots: { ...slots }, question: input.text };
    if (how.escalate) {
      return { text: fill(deps.templates, 'service_where'), intent: 'service', confidence: 0.8, quickReplies: ['帮助'] };
    }
    return { ...how, text: `${how.text}\n${fill(deps.templates, 'service_where')}` };
  }
  const search = { county: slots.county, town: slots.town, village: slots.village, limit: 3 };
  let points = await findServicePoints(deps.pool, { ...search, service });
  if (!points.length && service) points = await findServicePoints(deps.pool, search);
  if (!points.length) {
    return { text: fill(deps.templates, 'service_none', { where: place }), intent: 'service', confidence: 0.8 };
  }
  const lines = points.map(
    (p) => `${p.name}：${p.address ?? ''}${p.phone ? `，电话${p.phone}` : ''}${p.hours ? `，${p.hours}` : ''}` +
      `${service && !p.services.some((s) => s.includes(service)) ? '（没有登记这项服务，去前先打电话问问）' : ''}`,
  );
  const howText = how.escalate ? '' : `\n${how.text}`;
  return {
    text: `${place}附近的益农信息社：\n${lines.join('\n')}${howText}`,
    intent: 'service',
    confidence: 0.9,
    citations: [{ documentId: 'table:service_points', title: '益农信息社名录', snippet: points[0].name }, ...(how.citations ?? [])],
  };
}
