// The station services' intents (machinery, 代购 orders, trainings), consulted by src/bot/intents.ts before
// its own rules: these phrases ask the station to do something, not to explain how it is done.

export const SERVICE_INTENTS = ['machinery', 'order', 'training'] as const;
export type ServiceIntent = (typeof SERVICE_INTENTS)[number];

/** A machine named as farmers name them (收割机, 旋地机, 铁牛, 四轮, 康拜因, 耧), not 手机 or 飞机票. */
const MACHINE = /(?<!手|耳|相|司|飞|电|打印|洗衣|微波|收音|游戏|危|时|生|契|转|商|心|有|随|投|动|战|待|司)(机器|机)(?![会场票构关制遇])|铁牛|四轮|康拜因|耧|农机/;
/** Someone wants a machine (or renters): finding, renting, borrowing. */
const WANT_MACHINE = /谁家有|谁有|哪有|哪里有|哪儿有|有没有|有木有|有没|找台|找一台|找个|找辆|租|借|能找|想找|要找|用用|用一下|用两天|雇台|叫台|谁要/;
/** …but these are about people, money or repairs: labour, policy, the knowledge base. */
const NOT_MACHINE_SEARCH = /谁会|会开|找人|司机|机手|补贴|购置|维修|修理|咋修|坏了|咋用|怎么用|保养|多少钱一台|价格多少|买台|买一台|咋登记|怎么登记|在哪登记|如何登记|在哪发|怎么发布/;
/** Letting one's own machine out: "出租", "往外租", "想让别人租", "闲着". */
const LETS_OUT = /出租|往外租|租出去|租给(别人|人家|人)|(让|给)(别人|人家)(租|用)|接活|闲着/;
const POST_MACHINE = new RegExp(`^(发布|登记)(农机|机器)|(俺|我|咱)(家)?有(台|辆|个|一台|两台)?.{0,8}(机|铁牛|四轮).{0,8}(${LETS_OUT.source}|想租出去|能租出去|可以租)|^出租.{0,8}(机|铁牛|四轮)`);

/** "发布农机…" / "登记农机…": a new machine post, even while another guided exchange waits for an answer. */
export function startsMachinePost(text: string): boolean {
  return /^(发布|登记)(农机|机器)/.test(text.replace(/\s+/g, ''));
}

/** The farmer offers their own machine: "发布农机", "出租旋耕机", "俺家有台收割机闲着 想让别人租". */
export function offersMachine(text: string): boolean {
  const t = text.replace(/\s+/g, '');
  return (/^(发布|登记)(农机|机器)|^出租|出租|往外租|租出去|接活/.test(t) || POST_MACHINE.test(t)) && !/求租|想租(?!给|出)|要租(?!出|给)/.test(t);
}

const ORDER_STATUS = /(俺|我|咱)(家)?的.{0,10}(到了没|到了吗|到没到|到了不|咋样了|怎么样了|到哪了|啥时候到|什么时候到|来了没|来了吗)|代购.{0,6}(到了|进度|咋样|怎么样|状态)|(查|看)(一下|下)?(俺|我)?的?(代购|订单)|(帮|给|替)(俺|我|咱)(代购|代买|买|订)的.{0,8}(到了没|到了吗|到没到|到了不|咋样了|到哪了|啥时候到|什么时候到|来了没|来了吗)/;
const ORDER_CANCEL = /^(取消|不要|撤销)(代购|订单|这单|那单)/;
/** Asking the station to buy: 帮俺代购两袋复合肥; not "能帮俺买化肥不" (a question about the service). */
const ORDER = /(帮|给|替)(俺|我|咱|我们|俺们)?.{0,3}(代购|代买|捎|买|订|定)|^(代购|代买|我要代购|俺要代购|要代购|想代购)/;
const QUESTION = /(能不能|给不给|送不送|帮不帮|管不管|捎不捎|能否|可不可以|可以吗|行不行|咋|怎么|如何|哪里|在哪|哪儿|啥地方|能.{0,12}(不|吗|么)[?？。!！]*$|吗[?？。!！]*$)/;

const TRAINING_SIGNUP = /^(我要|俺要|想|我想|俺想|给我|帮我|帮俺)?报名/;
const TRAINING_LIST = /培训|学手机|教.{0,4}手机|讲课|上课|技术课/;
const TRAINING_ASK = /最近|有啥|有什么|有没有|啥时候|什么时候|哪有|哪里有|在哪|几号|安排|咋报名|怎么报名|能报名|报名/;
/** About the training programme itself (who makes the course videos, who is trained), not a list of sessions. */
const NOT_TRAINING = /信息员培训|培训信息员|培训谁|谁来组织|培训体验|(会|能)不会用智能手机|课件|视频|谁(来)?(做|出|制作|负责|组织)/;

/** A purchase already made ("买了袋化肥", "帮俺买的种子", "订过"): a report about it, not a request to buy. */
const BOUGHT = /(代购|代买|捎|买|订|定|购)(了|的|过|来的|回来)/;

/** A message's clauses: split at punctuation and at the words that join two matters (顺便, 另外, 还有, 结果). */
export function clauses(text: string): string[] {
  return text.split(/[,，。.;；!！?？、\s]+|顺便|另外|还有|结果|然后/).map((c) => c.trim()).filter(Boolean);
}

/**
 * A clause that asks the station to buy: "帮俺代购两袋复合肥". Read clause by clause, so that a question about
 * something else is never an order because another of its clauses names a purchase ("俺给家里买了袋化肥，结果
 * 烧苗了", "去年帮俺买的种子不出苗，找谁").
 */
function ordersIn(clause: string): boolean {
  return ORDER.test(clause) && !BOUGHT.test(clause) && !QUESTION.test(clause);
}

/** "栽蒜的播种机一台多少钱": the price of buying a machine, not one to rent (the price skill hands it over). */
export function asksMachinePrice(text: string): boolean {
  const t = text.replace(/\s+/g, '');
  return MACHINE.test(t) && /(一台|买台|买一台|新的|买个|买辆).{0,6}(多少钱|啥价|价格|价钱|多钱)|(多少钱|啥价|多钱)一台|一台(多少钱|啥价|多钱|要多少)/.test(t) && !/租|一天|一亩|一晌|一小时|一趟/.test(t);
}

/** A question about the 代购 service ("能帮俺代买化肥不，给送到家不"), not an order, nor one asked after. */
export function asksAboutOrdering(text: string): boolean {
  const t = text.replace(/\s+/g, '');
  const asks = QUESTION.test(t) || clauses(t).some((c) => QUESTION.test(c) || /(\p{Script=Han})不\1|不$/u.test(c));
  // clauses as written: "代买化肥种子不 给送到家不" is two questions, not one run-on order
  return asks && !ORDER_STATUS.test(t) && !ORDER_CANCEL.test(t) && !(clauses(text).some(ordersIn) && !QUESTION.test(t));
}

/** Some clause asks the station to buy something (a question may go with it): not a purchase already made. */
export function asksToBuy(text: string): boolean {
  return clauses(text.replace(/\s+/g, '')).some((c) => /(帮|给|替).{0,6}(代购|代买|捎|买|订|定)|^(代购|代买|我要代购|俺要代购|要代购|想代购)/.test(c) && !BOUGHT.test(c));
}

/** The service a message asks for, or undefined (the other intents' rules decide). */
export function classifyService(text: string): { intent: ServiceIntent; certainty: number } | undefined {
  const t = text.replace(/\s+/g, '');
  if (POST_MACHINE.test(t)) return { intent: 'machinery', certainty: 0.9 };
  if (/^(求租|发求租|发个求租|发一条求租|帮我发求租|帮俺发求租)/.test(t)) return { intent: 'machinery', certainty: 0.9 };
  if (MACHINE.test(t) && WANT_MACHINE.test(t) && !NOT_MACHINE_SEARCH.test(t)) return { intent: 'machinery', certainty: 0.85 };
  if (ORDER_STATUS.test(t) || ORDER_CANCEL.test(t)) return { intent: 'order', certainty: 0.9 };
  // a clause of its own that asks ("代买化肥种子不 给送到家不": the space parts them) makes it a question, no order
  if (clauses(t).some(ordersIn) && !QUESTION.test(t) && !clauses(text).some((c) => QUESTION.test(c))) return { intent: 'order', certainty: 0.85 };
  if (TRAINING_SIGNUP.test(t)) return { intent: 'training', certainty: 0.9 };
  if (TRAINING_LIST.test(t) && TRAINING_ASK.test(t) && !NOT_TRAINING.test(t)) return { intent: 'training', certainty: 0.85 };
  return undefined;
}

/** The guided exchanges the services run (context.pending.kind). */
export const SERVICE_PENDING = ['machinery', 'order', 'signup'] as const;
export function isServicePending(pending: { kind: string } | undefined): boolean {
  return Boolean(pending && (SERVICE_PENDING as readonly string[]).includes(pending.kind));
}
