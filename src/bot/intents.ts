import type { Slots } from './slots.ts';
import { classifyService } from './skills/stations/intents.ts';

import type { Intent } from '../conversations/intents.ts';

export { INTENTS, type Intent } from '../conversations/intents.ts';

export interface IntentGuess {
  intent: Intent;
  /** how sure the rules are, 0..1 */
  certainty: number;
  /** for knowledge intents: categories to search */
  categories?: string[];
}

const PRICE = /价|多少钱|多钱|几块|几毛|行情|报价|贵不贵|便宜|涨|跌/;
const LABOR = /用工|招工|找活|活儿|干活|的活|有活|活吗|活不|啥活|什么活|工人|采摘工|分拣工|饲养员|招不|招人|雇|飞防|旋地|旋耕|电工|瓦工|木工|找人(帮忙)?(干|收|打|用|摘|剥)|打工|零工|短工|务工|工钱|日结|招人|雇人|缺人|要人|工人|帮工|劳务/;
const SUPPLY = /收购|求购|出售|供应|货源|谁收|谁要|哪里收|哪收|有人收|回收|卖给谁|有卖|谁有卖|有没有卖|哪里有卖|哪有卖|想买|要买|买点|买些|供求|有收(?!割|获|成|入)|有没有收|收.{1,6}的(吗|不)/;
/** How to post or register (登记, 发信息) or where to rent a machine: answered from the service knowledge. */
const HOW_TO = /(咋|怎么|怎样|在哪|哪里|如何|去哪)(儿)?(登记|发布|发信息|发个信息|发)|能租|租.{0,4}(机|车)|(机|车).{0,4}租/;
const SERVICE = /缴费|交费|交电费|电费|水费|话费|挂号|提现|取钱|取款|取点钱|快递|寄|代购|代买|买化肥|买种子|买农资|网上卖|网店|电商|服务点|营业|几点开门|开门|关门|几点|电话|办事|能办|哪个信息社|哪个益农信息社|信息社在哪|信息社在什么|最近的信息社|附近|社在哪|管俺村|管我村|手机培训|智能手机|参加培训|培训班|哪里有培训|(?<!信息员)培训啥时候|追溯/;
const PROGRAMME_FACT = /(多少|几个|几家|目标|任务|进度|完成|覆盖|下载量|下载|建设).*(益农信息社|信息社|站点|下载|app)|(益农信息社|信息社|站点|app).*(多少|几个|几家|目标|任务|进度|下载量|下载)|建设任务|要建多少|建多少个|建几个|(多少|几)个?(行政)?村|村最多|村最少|下载量/i;
const PROGRAMME = /益农信息社|信息社|信息员|信息进村入户|六有|整市推进|运营商|运营主体|济宁礼飨|专家服务团队|12316|公益服务|便民服务|培训体验|四类服务|功能区|高新区|太白湖/;
const POLICY = /补贴|政策|保险|贷款|确权|惠农|扶持|申报|申请|项目资金|农机购置|耕地地力|种粮|土地流转|承包|宅基地|占耕地|耕地保护|违法|犯法|法律|合同|纠纷|户口|低保|医保|养老/;
const GREETING = /^(你好|您好|嗨|哈喽|hello|hi|在吗|在不在|有人吗|早上好|晚上好|中午好|喂)[啊呀吗么!！。.]*$/i;
const THANKS = /^(谢谢|多谢|谢了|感谢|谢谢你|谢谢您|辛苦了|好的谢谢|好的|知道了|明白了|中|行|ok|okay|嗯|哦)[啊呀了!！。.]*$/i;
const BYE = /^(再见|拜拜|bye|回头见)[!！。.]*$/i;

export function isGreeting(text: string): 'greeting' | 'thanks' | 'bye' | undefined {
  const t = text.replace(/\s/g, '');
  if (GREETING.test(t)) return 'greeting';
  if (THANKS.test(t)) return 'thanks';
  if (BYE.test(t)) return 'bye';
  return undefined;
}

/**
 * Rules first: the farmer's words for prices, work, buying and selling, services and the programme are
 * few and clear. What is left is a knowledge question (agronomy by default).
 */
export function classify(text: string, slots: Slots): IntentGuess {
  if (isGreeting(text)) return { intent: 'smalltalk', certainty: 0.95 };
  // --- station services (src/bo./skills/stations/intents.ts): asking the station to do something ---
  const service = classifyService(text);
  if (service) return service;
  // --- end station services ---
  if (/补贴|补助|政策依据/.test(text)) return { intent: 'policy', certainty: 0.8, categories: ['policy', 'programme', 'service', 'faq'] };
  if (PROGRAMME_FACT.test(text) && !SERVICE.test(text)) return { intent: 'programme', certainty: 0.85 };
  if (HOW_TO.test(text)) return { intent: 'service', certainty: 0.8, categories: ['service', 'programme', 'faq'] };
  if (LABOR.test(text)) return { intent: 'labor', certainty: 0.85 };
  if (SUPPLY.test(text) && !/网上卖|电商|网店/.test(text)) return { intent: 'supply', certainty: 0.8 };
  if (PRICE.test(text) && (slots.commodity || /价格|行情|多少钱一斤|啥价/.test(text)) && !POLICY.test(text)) {
    return { intent: 'price', certainty: slots.commodity ? 0.9 : 0.7 };
  }
  if (SERVICE.test(text)) return { intent: 'service', certainty: 0.8, categories: ['service', 'programme', 'faq'] };
  if (POLICY.test(text)) return { intent: 'policy', certainty: 0.7, categories: ['policy', 'programme', 'service', 'faq'] };
  if (PROGRAMME.test(text)) {
    return { intent: 'programme', certainty: 0.6, categories: ['programme', 'service', 'training', 'faq'] };
  }
  return { intent: 'agronomy', certainty: 0.5 };
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
