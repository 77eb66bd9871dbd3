import { matchConfidence, matchPlanFacts, planFactAnswer, type PlanFact } from '../../programme/index.ts';

// The plan's facts as the programme and service skills both quote them, in a leaf of their own so that neither
// skill imports the other for them.

export const SOURCE = '济农字〔2019〕36号';
export const PLAN = { documentId: 'table:plan_facts', title: '济宁市信息进村入户工程整市推进实施方案', source: SOURCE };

/** The plan's citation for an answer quoted from its facts. */
export function planCitation(answer: string) {
  return { ...PLAN, snippet: answer.slice(0, 60) };
}

/** What the plan is about: a question naming none of it ("草鱼一天喂多少料 百分之几") is no plan question. */
const PLAN_SUBJECT = /益农|通知|功能区|新区|开发区|任务|目标|行政村|工程|农户|农民|信息社|益农社|方案|信息员|进村入户|运营|平台|12316|培训|建设|建社|村级|站点|专家|服务|补助|资金|钱|附件|文件|文号|六有|上半年|下半年|总数|总目标|建完|几年|阶段|2019|2020|小镇|礼飨|电商|宣传|考核|督查|监督|领导|牵头|部门|省里|全市|县里|市里|政府|采购|共享|覆盖|下载|app|网|终端|设备|场所|小卖部|村委/i;

/** Whether a question names anything the plan is about: a feature of the plan-fact confidence. */
export function namesPlanSubject(text: string): boolean {
  return PLAN_SUBJECT.test(text);
}

/** The farmer's own village's station or 信息员, not the plan's in general. */
const OWN_STATION = /(俺|我|咱)(们)?(村|庄|镇|乡)(的|里的?|里)?(信息员|信息社|益农社|益农信息社)/;
/** Who, where, when open, what number: a question about one station. */
const ABOUT_ONE_STATION = /谁|叫啥|叫什么|电话|手机号|在哪|哪儿|几点|开门|关门/;

/** A question about the farmer's own station or 信息员 (who, where, phone, hours): the station list's. */
export function asksOwnStation(text: string): boolean {
  return OWN_STATION.test(text) && ABOUT_ONE_STATION.test(text);
}

/** The plan facts' answer to a question, with the fitted probability that it is right (src/programme/plan-confidence.ts). */
export function planFactReply(facts: readonly PlanFact[], text: string): { answer?: string; probability: number } {
  const matches = matchPlanFacts(facts, text);
  return { answer: planFactAnswer(matches), probability: matchConfidence(matches, text, namesPlanSubject(text)) };
}
