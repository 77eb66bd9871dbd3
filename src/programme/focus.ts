// What a question about the plan asks for, beyond the subject it names: money (补助, 工资, 收费), a figure
// (多少, 几个, 百分之几) or a time (啥时候, 几年). A fact whose answer holds none of it does not answer the question, however well
// its key words match the subject: "对运营主体有补助吗" is not answered by how the operators are chosen, and
// "信息员一个月挣多少" is not answered by the 信息员 standard.

/** Asks about money: a subsidy, a wage, a fee. 取钱/提现 is a service, not money asked about. */
const ASKS_MONEY = /补助|补贴|资金|经费|费用|工资|工钱|报酬|薪水|薪酬|挣|收入|奖励|奖金|多少.{0,2}钱|几块|几元|(多少|给|出|花|收|要|掏|拿|补|发)钱|钱(谁|从|哪|由|是)|收费|免费|手续费/;
/** An answer that speaks of money: who pays, what is subsidised, what is free. */
const STATES_MONEY = /补助|补贴|先建后补|以奖代补|资金|钱|经费|费用|财政|工资|报酬|收费|免费|投入/;

/** Asks for a figure: how many, what share. */
const ASKS_FIGURE = /多少(?!钱|种|类|项|样|条)|(?<!哪)几(个|家|处|名|位)|百分|几成|比例|覆盖率/;
/** An answer that states a figure, or says the plan states none. */
const STATES_FIGURE = /[0-9０-９]|[一二两三四五六七八九十百千万][个名处家级类项种年有%]|没有写具体|没有规定具体/;

/** Asks when: a date, a year, how long. */
const ASKS_TIME = /啥时候|什么时候|哪年|哪一年|多久|多长时间|几年/;
/** Asks the day or the month: a year is no answer to it. */
const ASKS_DATE = /哪天|哪一天|几月|哪个月|几号(发|出|印|定|签)|日期/;
const STATES_DATE = /\d+月|\d+日/;
/** An answer that states a date, a year or a span of years. */
const STATES_TIME = /\d{4}年|\d+月|\d+日|[0-9一二两三四五]年(时间)?|年底|上半年|下半年/;

/**
 * Asks what to do when something went wrong: a certificate lost, an assessment failed ("考不过咋办", "证丢了能补办不").
 * The plan says what is to be done, never what follows a failure, so only an answer that names a remedy holds it.
 */
const ASKS_REMEDY = /(丢|掉|坏|考不过|没考过|没过|没通过|通不过|不合格|没合格|过不了|不达标|没达标)了?.{0,6}?(咋办|怎么办|咋弄|怎么弄|咋整|能补|补办|重办|重考|补考|还能)|补办|补考|重考|重新(办|考|发)/;
const STATES_REMEDY = /补办|补考|重考|重新|整改|不合格的|未达标的|达不到/;

/**
 * Asks whether two things are the same, or how they differ ("益农社跟村委会是一码事不"): an answer that only names
 * the other thing among others (a list of where stations are built, 村委会 in it) does not say it.
 */
const ASKS_SAME = /(跟|和|与|同).{1,10}?(是)?(一码事|一回事|一样|一个(东西|地方|事)|啥区别|什么区别|有区别|区别|不一样)/;
const STATES_SAME = /区别|不同于|不是|也就是|即是|是指/;

export type PlanFocus = 'money' | 'figure' | 'time' | 'date' | 'remedy' | 'same';

/**
 * The plan's actors and services a question may be about. A question naming one is answered only by a fact
 * that names it too: "信息员培训啥时候开始" is not answered by the stations' schedule.
 */
const SUBJECTS: RegExp[] = [/信息员/, /局/, /专家(?!号)/, /运营主体|运营商/, /小镇/, /培训/, /礼飨/, /提现|取钱|取现/, /挂号/, /缴费|交费|话费|电费|水费/, /快递|物流/];

/** "X是啥意思": the term asked to be explained, without the fillers before it. */
const ASKS_MEANING = /([\u4e00-\u9fa5“”"]{2,12}?)(?:到底|究竟)?(?:是)?(?:啥|什么|个啥)意思/;
const FILLERS = /^(那个|这个|说的|方案里|方案上|里头|上头|俺问问|问问)+/;

/**
 * Whether an answer explains the term a "啥意思" question asks about: it says what the term is ("X是…",
 * "X指…", "X：…"). A fact that only lists the term among others ("六有" ending in 有持续运营能力) does not.
 */
export function explainsAskedTerm(answer: string, question: string): boolean {
  const m = ASKS_MEANING.exec(question);
  if (!m) return true;
  const term = m[1].replace(/[“”"]/g, '').replace(FILLERS, '');
  if (term.length < 2) return true;
  // the longest tail of the words before 啥意思 the answer holds: "俺问一下六有是啥意思" asks about 六有
  for (let len = term.length; len >= 2; len--) {
    const tail = term.slice(-len);
    const at = answer.indexOf(tail);
    if (at < 0) continue;
    // "“六有”标准是：" explains 六有: a closing quote and a short head noun may stand between the term and 是
    return /^[”"」]?[\u4e00-\u9fa5]{0,3}?(是|指|就是|即|：|:|，?也就是)/.test(answer.slice(at + len));
  }
  return false;
}

/** "能帮着办医保报销不": a yes-or-no question whether the station does one named thing (captured: 办医保报销). */
const ASKS_CAN_DO = /能(?:不能)?(?:帮(?:着|忙|俺|我)?)?(?:给)?((?:办|打印|复印|报销|修|领|开)[\u4e00-\u9fa5]{0,6}?)(?:不|吗|没|么|啊|呀|$)/;

/**
 * Whether an answer names the thing a "能办X不" question asks the station to do: a list of the station's
 * services that does not mention 医保报销 or 打印 does not say yes, however well it matches "益农社能办啥".
 */
export function namesAskedDoing(answer: string, question: string): boolean {
  const m = ASKS_CAN_DO.exec(question);
  // "能办啥事" asks what, not whether: any list of the services answers it
  if (!m || /啥|什么|哪|些/.test(m[0])) return true;
  const chars = [...m[1]];
  const pairs = chars.slice(1).map((c, i) => chars[i] + c).filter((p) => !/^办/.test(p));
  return pairs.length === 0 || pairs.some((p) => answer.includes(p));
}

/** Whether an answer names every subject of the plan the question names. */
export function namesSubjects(answer: string, question: string): boolean {
  return SUBJECTS.every((s) => !s.test(question) || s.test(answer));
}

/** What the question asks for that its answer must hold (none for most questions). */
export function planFocus(question: string): PlanFocus[] {
  const out: PlanFocus[] = [];
  if (ASKS_MONEY.test(question)) out.push('money');
  else if (ASKS_FIGURE.test(question)) out.push('figure');
  if (ASKS_DATE.test(question)) out.push('date');
  else if (ASKS_TIME.test(question)) out.push('time');
  if (ASKS_REMEDY.test(question)) out.push('remedy');
  if (ASKS_SAME.test(question)) out.push('same');
  return out;
}

/** A limit asked of a service: how much at most, how high the quota. */
const ASKS_LIMIT = /额度|限额|上限|最多|最少/;

/**
 * Whether a question asks an amount (money, a figure or a limit: "提现一天最多取多少", "寄一箱快递多少钱"), which
 * the station list, with its places and hours, never holds.
 */
export function asksAmount(question: string): boolean {
  return planFocus(question).some((f) => f === 'money' || f === 'figure') || ASKS_LIMIT.test(question);
}

/** Whether an answer holds what the question asks for. */
export function answersFocus(answer: string, focus: readonly PlanFocus[]): boolean {
  const states = { money: STATES_MONEY, figure: STATES_FIGURE, time: STATES_TIME, date: STATES_DATE, remedy: STATES_REMEDY, same: STATES_SAME };
  return focus.every((f) => states[f].test(answer));
}
