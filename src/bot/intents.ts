import type { Slots } from './slots.ts';
import { asksMachinePrice, classifyService } from './skills/stations/intents.ts';

import { INTENTS, type Intent } from '../conversations/intents.ts';
import { decided, features, KNOWLEDGE_CLASSES, predict, type IntentModel } from './intent-model.ts';

const INTENT_SET: ReadonlySet<string> = new Set(INTENTS);

export { INTENTS, type Intent } from '../conversations/intents.ts';
export type { IntentModel } from './intent-model.ts';

export interface IntentGuess {
  intent: Intent;
  /** the probability that this is the intent (the classifier's, or a rule's fixed one), 0..1 */
  certainty: number;
  /** for knowledge intents: categories to search */
  categories?: string[];
}

const GREETING = /^(你好|您好|嗨|哈喽|hello|hi|在吗|在不在|有人吗|早上好|晚上好|中午好|喂)[啊呀吗么!！。.]*$/i;
/** Thanks, with whom they thank (谢谢专家, 太谢谢您了, 好的谢谢老师), or a plain acknowledgement. */
const THANKS = /^((好的|嗯|太|非常)?(谢谢|多谢|谢了|感谢|辛苦了)(你|您|你们|专家|老师|大夫|医生|师傅)?(了|啦)?|好的|知道了|明白了|中|行|ok|okay|嗯|哦)[啊呀了!！。.，,]*$/i;
const BYE = /^(再见|拜拜|bye|回头见)[!！。.]*$/i;

export function isGreeting(text: string): 'greeting' | 'thanks' | 'bye' | undefined {
  const t = text.replace(/\s/g, '');
  if (GREETING.test(t)) return 'greeting';
  if (THANKS.test(t)) return 'thanks';
  if (BYE.test(t)) return 'bye';
  return undefined;
}

/** Where a knowledge intent searches, by intent. */
const CATEGORIES: Partial<Record<Intent, string[]>> = {
  policy: ['policy', 'programme', 'service', 'faq'],
  service: ['service', 'programme', 'faq'],
  programme: ['programme', 'service', 'training', 'faq'],
};

/**
 * Asking what the plan says ("方案里咋说的", "按方案", "实施方案上"): a programme question, whatever service or
 * subsidy it names ("便民服务能办挂号取钱不 方案里咋说的" is about the plan's list, not a station's counter).
 */
const ASKS_THE_PLAN = /方案(里|上|中|当中)|方案(有没有|有木有|有|没|可|也)(说|讲|写|提|规定)|方案(咋|怎么|是咋|是怎么|都|里都)(说|讲|写|定|规定)|(按|照|根据|依照)(着)?(这个)?方案|实施方案|整市推进/;

/**
 * The plan's own subjects. A "policy" question about them ("信息社补贴标准是多少", "信息进村入户的政策依据是啥") asks
 * what the plan says: the plan's facts answer it (funding, basis), not the policy experts' passages.
 */
const PLAN_TOPIC = /益农|信息社|信息进村入户|整市推进|信息员|礼飨|运营主体|运营商|专家服务团队|专家团队|六有|功能区|互联网小镇|政府购买服务|政府买服务/;

/** The station, or a service only the station gives (提现), named as the subject of a question. */
const STATION = /益农|信息社|信息员|服务站|小额提现|提现/;
const STATION_SKILLS: ReadonlySet<string> = new Set(['service', 'programme']);

/** Below this a price question with no known produce goes to the knowledge skill instead of asking which produce. */
const UNSURE_PRICE = 0.5;

/** Policies of their own, not the roll-out plan's: 种粮补贴方案 is the policy experts'. */
const OTHER_POLICY = /种粮|农机购置|地力|保险|贷款|流转|宅基地|承包|低保|医保|养老/;

/**
 * Asking where the work or the workers are ("金乡县哪里招蒜工", "哪里有活干", "谁家缺人手"): the labour listings.
 * Asking where a produce is sold or bought ("哪里有大蒜卖", "谁家收玉米"): the supply posts. Both are questions
 * about the listings, which the classifier sends to an expert when it has seen few of them; a price or a
 * farming question ("大蒜多少钱", "蒜种哪里买的好 怎么选") is neither.
 */
const WHERE = /(哪里|哪儿|哪有|哪个地方|哪块|谁家|有谁|谁(在|收|买|卖|要)|有没有|有无)/;
const ASKS_LABOR = /(招|雇|缺)[^，。？?\s]{0,3}(工|人手|劳力|小工)(?![资具艺程厂作业])|(找|有)(活干|零工|活儿干)|的活儿?[吗没不干]|打零工|找个?活/;
const ASKS_TRADE = /(卖|收购?|买|出售|求购|供应|有货)/;
/** "有人收蒜不", "有卖羊的吗", "有收购信息吗": asking whether someone trades, which names the listings too. */
/**
 * "集上有卖猪药的 敢给猪用不", "猪瘟有疫苗打不 听说有人卖": a question about what is sold (its use, its worth, the
 * disease it is for), not where to trade it.
 */
const ASKS_ABOUT_THE_GOODS = /敢|能不能|可不可以|能用|用不|中不|行不|靠谱|管用|好使|咋|怎么|为啥|药|秘方|假|疫苗|病|瘟|打不/;
const ASKS_WHO_TRADES = /(有人|有没有人?|有)(收|卖|买|要)|(收购|出售|求购|供求)信息|(收|卖)东西/;
const NOT_A_LISTING = /价|多少钱|行情|咋样|怎么(选|种|治|防|办)|好不好|区别|品种好|啥时候|什么时候|几月|补贴/;

function asksListing(text: string, slots: Slots): 'labor' | 'supply' | undefined {
  if (NOT_A_LISTING.test(text)) return undefined;
  if (ASKS_LABOR.test(text) && (WHERE.test(text) || /吗|没|不$/.test(text))) return 'labor';
  if (slots.commodity && WHERE.test(text) && ASKS_TRADE.test(text)) return 'supply';
  if (ASKS_WHO_TRADES.test(text) && (slots.commodity || /信息|东西/.test(text)) && !ASKS_ABOUT_THE_GOODS.test(text)) return 'supply';
  return undefined;
}

/**
 * What a question asks, with a probability: the trained classifier (src/bot/intent-model.ts, fitted by
 * `npm run intents:fit` from the FAQ, the knowledge headings, the plan's facts and the dialogue suite) over
 * the question's words, character n-grams and filled slots. Rules remain only for greetings, for the
 * station services' requests (帮俺代购…, 报名, 发布农机), which ask the station to do something, and for where
 * the listings are (asksListing).
 * `words` is the question's jieba segmentation; without a model every question is a knowledge question.
 */
export function classify(text: string, slots: Slots, words: readonly string[] = [], model?: IntentModel): IntentGuess {
  if (isGreeting(text)) return { intent: 'smalltalk', certainty: 0.95 };
  if (asksMachinePrice(text)) return { intent: 'price', certainty: 0.9 };
  const service = classifyService(text);
  if (service) return service;
  if (ASKS_THE_PLAN.test(text) && !OTHER_POLICY.test(text)) return { intent: 'programme', certainty: 0.9, categories: CATEGORIES.programme };
  const listing = asksListing(text, slots);
  if (listing) return { intent: listing, certainty: 0.9 };
  if (!model) return { intent: 'agronomy', certainty: 0.5 };
  // Hardly any Chinese (a keyboard run, code): nothing to classify; the knowledge skill says it is out of scope.
  if ((text.match(/\p{Script=Han}/gu) ?? []).length < 2) return { intent: 'agronomy', certainty: 0.5 };
  const p = predict(model, features(text, words, slots));
  // `other` (not any skill's) and anything unknown go to the knowledge skill, which tells farming from the rest.
  // A price question naming no produce the table knows ("养驴现在行情咋样 一头驴喂多少草料") is trusted only when sure.
  const sure = p.intent === 'price' && !slots.commodity && p.probability < UNSURE_PRICE ? 'other' : decided(p);
  // Unsure, but the station is what the question is about ("信息社能卖化肥吗") and the station's skills lead: what
  // the station offers is asked, which the plan and the service passages answer, not an agronomy passage.
  const best = sure === 'other' && STATION.test(text) && STATION_SKILLS.has(p.intent) ? p.intent : sure;
  const named = (INTENT_SET.has(best) ? best : 'agronomy') as Intent;
  const intent: Intent = named === 'policy' && PLAN_TOPIC.test(text) && !OTHER_POLICY.test(text) ? 'programme' : named;
  const categories = CATEGORIES[intent];
  // Sent on to the knowledge skill for being unsure: its certainty is that of the knowledge classes together.
  const certainty = best === p.intent ? p.probability : p.ranked.filter((r) => KNOWLEDGE_CLASSES.has(r.intent)).reduce((n, r) => n + r.probability, 0);
  return { intent, certainty: +certainty.toFixed(3), ...(categories ? { categories } : {}) };
}

/** A short follow-up that only changes a slot ("那嘉祥县呢？", "昨天呢？", "玉米呢"). */
export function isFollowUp(text: string): boolean {
  const t = text.replace(/[\s？?。!！，,]/g, '');
  return t.length <= 12 && /^(那|那么|还有|再问|再看看)?.{1,8}(呢|的呢|咋样|怎么样|如何)?$/.test(t) && /(呢|咋样|怎么样|如何)$|^那/.test(t);
}

/** "还有别的办法吗" and the like: more of the last knowledge answer. */
export function asksForMore(text: string): boolean {
  return /还有(别的|其他|其它|啥|什么)(办法|方法|法子|招|药|措施)?|别的办法|其他办法|换个办法|还有吗|还有呢/.test(text);
}
