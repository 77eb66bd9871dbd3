import type { Queryable } from '../db/pool.ts';
import type { Citation } from '../conversations/types.ts';
import { emergencyCardOf, findEmergencyCard, firstSteps, stepsFirst, type EmergencyCard, type EmergencyKind } from '../knowledge/emergency-cards.ts';
import type { SearchHit } from '../knowledge/retriever.ts';
import { PAST_REVIEW_NOTICE } from '../knowledge/review.ts';
import { fill, type Templates } from './templates.ts';
import { PESTICIDE_FUMES, type EmergencyReading } from './emergency-model.ts';
import type { SkillResult } from './skill.ts';

const ANIMAL = /猪|牛|羊|鸡|鸭|鹅|兔|鸽|狗|畜|禽|牲口|鱼|虾|蟹/;
const LIVESTOCK = '(猪|牛|羊|鸡|鸭|鹅|兔|鸽|畜|禽|牲口|崽|仔)';
const MANY = '(好多|一片|一大片|一批|不少|很多|一群|一圈|一半|[两二三四五六七八九十几百\\d]+多?(头|只|个|匹|口))';

/** A heating fire, a cellar or a biogas pit: where a gas fells a person in a shed or a hole in the ground. */
const GAS_SOURCE = '(煤炉|炉子|火炉|炉火|煤火|烤火|炭火|烧炭|木炭|炭盆|火盆|蜂窝煤|煤球|烟囱|倒烟|菜窖|地窖|红薯窖|白菜窖|窖里|下窖|沼气池|沼气)';
/** What the gas does to whoever breathes it: dizzy, sick, down, not waking up, not coming back up. */
const FELLED = '(头晕|头昏|头疼|头痛|恶心|想吐|吐了|呕吐|站不住|站不稳|晕倒|晕过去|晕了|昏迷|昏过去|叫不醒|喊不醒|不醒|醒不过来|脸.{0,2}(通红|发红|红得)|不省人事|人倒了|倒下|倒在|躺地上|起不来|迷糊|没劲|腿软|(人|他|她).{0,6}(没上来|上不来|没出来)|没动静|不动了|喘不上)';

/** What a person shows when a spray has poisoned them: sick, drooling, sweating, twitching, dizzy, down. */
const POISONED = '(头晕|头昏|头疼|头痛|恶心|想吐|呕|吐了|吐了?[一两二三几]?[回次遍]|口水|流涎|冒汗|出汗|大汗|冷汗|淌汗|抽搐|抽筋|肉跳|一跳一跳|晕倒|昏迷|喘不上|胸口闷|胸闷|憋得慌|眼花|发花|看不清|模糊|哆嗦|发抖|冒沫|白沫|没劲|站不住|站不稳|打晃|叫不醒)';
/**
 * A field or shed sprayed, told without the word 药 ("喷完苞米地 回来吐了两回"), and a person's symptoms after it.
 * A crop's harm after a spray ("喷完麦地叶子黄了") names no such symptom.
 */
const SPRAYED_THEN_ILL = `(喷|打|熏|撒|配)(完|了|过|罢)?.{0,6}(地|田|棚|园|麦|玉米|苞米|棒子|棉花|花生|大豆|蒜|菜|果树|树|烟剂|烟雾|一上午|一下午|一整天|一天|半天|一晌|一早上)` +
  `.{0,14}${POISONED}`;
/** Something from the field drunk as a drink ("地头那半瓶绿水当饮料喝了"): a pesticide in a drink bottle. */
const DRUNK_AS_DRINK = '(当|以为是?)(成)?(饮料|汽水|矿泉水|水|酒).{0,2}喝|(饮料瓶|矿泉水瓶|可乐瓶|药瓶|药桶).{0,10}喝了';

/**
 * Thunder or lightning now, and where to go from it ("天上咔咔打闪 地头就一棵大杨树 往哪去"); not a question about
 * thunder in general ("为啥打雷的时候不能站大树底下").
 */
const THUNDER_NOW = '^(?!.*(为啥|为什么|咋回事|的时候|时候|一般|平常|平时)).*(' +
  '(打雷|打闪|闪电|响雷|雷声|雷阵雨|炸雷)(了|呢|啦)?.{0,20}(往哪|哪里躲|哪儿躲|哪躲|躲哪|躲到|躲躲|躲一躲|躲不|躲着|避一避|避雨|大树|杨树|树底下|树下|树根)|' +
  // thundering now and someone still out in the open: "雷一个接一个 俺还在塘边收网"
  '(打雷了|打雷呢|雷声|雷一个|响雷|炸雷|电闪雷鸣|打闪|闪电|天上.{0,4}雷|雷(响|打|劈))(.{0,16})(在|还在|正在|困在).{0,6}(地里|地头|田里|塘边|河边|湖边|麦场|场上|场院|坡上|山上|树下|水上|船上|野地|外头))';
/** Someone down after thunder or beside a live machine or wire ("打雷…弄增氧机 一下躺那不动了"). */
const DOWN = '(躺那|躺地|躺下|倒了|倒地|倒下|栽倒|不动了|没气|没反应|叫不醒|叫不应|喊不应|晕过去|昏过去|不省人事|迷糊|发懵|说不出话)';
const SOMEONE = '(人|他|她|俺|兄弟|哥|弟|爹|爸|娘|妈|叔|大爷|爷|男人|老婆|媳妇|孩子)';
const LIVE = '(电线|电闸|电门|开关|插头|增氧机|水泵|抽水机|电机|电动机|漏电|电着)';
const DOWN_BY_POWER = `(打雷|雷|打闪|闪电|${LIVE}).{0,24}${SOMEONE}.{0,12}${DOWN}|${SOMEONE}.{0,12}(碰|摸|挨|弄|修|拉|接|踩).{0,6}${LIVE}.{0,10}${DOWN}`;
/** A flood coming: the levee or the river rising, or the call to leave ("河堤那边喊转移"). */
const FLOOD_ESCAPE = '(河堤|堤坝|大堤|堤上|水库|河水|洪水|山洪|大水|发水|涨水).{0,12}(转移|撤离|决口|漫过|漫上来|冲垮|冲开|溃|要冲|冲了|冲走)|' +
  '(水|河|堤).{0,6}眼看(要|就)?.{0,2}(漫|淹|冲|进)|' +
  // the call to leave, with water told (not "通知转移户口")
  '^(?=.*(水|雨|河|堤|洪|淹|涝)).*(喊|广播|通知|叫|让)(俺们|大伙|全村|各家)?.{0,4}(转移|撤离)';
/** Signs of anthrax on a sudden death: dark blood from the nose, mouth or rear, that does not clot. */
const ANTHRAX = '^(?=.*(死|倒)).*((牛|羊|驴|马|猪|牲口).{0,20}(淌|流|冒|出|往外).{0,6}黑.{0,2}血|(黑|黑红|紫黑)(色的)?血.{0,8}不凝|血.{0,4}不凝|七窍(流|出)血)';

/** The words a farmer uses for each emergency; the first that matches wins (a gas before a poisoning, a poisoning before a flood). */
const RULES: [EmergencyKind, RegExp][] = [
  [
    // a pesticide's fumes (熏棚, 磷化铝) are the pesticide card's: the rule lets them pass (see emergencyByRules)
    'gas-poisoning',
    new RegExp(`煤气中毒|一氧化碳中毒|中了?煤气|煤烟中毒|(煤气|煤烟|炉子|炉烟|烟)熏(着|倒|晕)|${GAS_SOURCE}.{0,24}${FELLED}|${FELLED}.{0,24}${GAS_SOURCE}`),
  ],
  [
    'pesticide-poisoning',
    new RegExp(`${SPRAYED_THEN_ILL}|${DRUNK_AS_DRINK}|` + /农药中毒|(药|农药)中毒|中毒了|(喝|吃|误服|误食|误喝)了?.{0,4}(农药|百草枯|敌草快|草甘膦|敌敌畏|敌百虫|乐果|除草剂|杀虫剂|老鼠药|鼠药|药水)|(农药|百草枯|敌草快|草甘膦|敌敌畏|敌百虫|乐果|除草剂|杀虫剂|老鼠药|鼠药).{0,10}(喝|吃|误服|误食)了|(打|喷|配|撒|熏)(完|了|过)?.{0,2}药.{0,12}(头晕|头疼|头痛|恶心|想吐|呕吐|吐了|冒汗|出汗|流汗|抽搐|抽筋|晕倒|昏迷|喘不上|眼花|看不清|哆嗦|发抖|流口水|冒沫|吐白沫|浑身没劲|站不住)/.source),
  ],
  [
    // a sudden death bleeding dark blood that does not clot may be anthrax: notifiable and deadly to people, so an
    // outbreak's report and urgent ticket, whatever the farmer asks about the carcass
    'animal-disease',
    new RegExp(`${ANTHRAX}`),
  ],
  [
    // dead fish to bury, sell or feed, and none suffocating: the disposal card, not the pond's first aid
    'dead-animals',
    /^(?!.*(浮头|泛塘|翻塘|缺氧|张嘴|浮(在|到|上)|喘|往岸边|还在死|接着死|一直死)).*(死(了的)?(鱼|虾|蟹)|死了.{0,6}(鱼|虾|蟹)|(鱼|虾|蟹).{0,4}死了).*(埋|处理|处置|扔|卖|能吃|吃不|吃得|喂|饲料|沤肥)/,
  ],
  [
    'fish-hypoxia',
    /浮头|泛塘|翻塘|(鱼|虾|蟹).{0,8}(缺氧|张嘴|浮(在|到|上)?水面|浮上来|往岸边|死了|死一片|死很多|翻白|翻肚|都漂|往上漂|漂上来|漂起来|不下水|(趴|爬)(到|在)?.{0,4}(边|岸|埂|草))|(塘|池).{0,6}(缺氧|死鱼)|死鱼/,
  ],
  [
    // 'dead-animals' (how to dispose of one) is listed before 'animal-disease' (many dying) on purpose
    'dead-animals',
    new RegExp(`(病死|死掉的|死了的|死)${LIVESTOCK}.{0,8}(咋|怎么|如何|能不能|可以)?.{0,2}(处理|处置|埋|扔|卖|吃|漂)|漂了?.{0,4}死${LIVESTOCK}|死了一?(头|只|匹)${LIVESTOCK}.{0,12}(卖|收|吃|埋|扔)|收死(猪|牛|羊|牲口)|无害化处理`),
  ],
  [
    'animal-disease',
    new RegExp(
      `${LIVESTOCK}.{0,10}(死了?${MANY}|接连死|成批死|陆续死|一天死|天天死|都死了|全死了|死了一半|一个接一个死)|疫情|` +
      `${LIVESTOCK}.{0,10}(一(个|只|头)(挨|接)一?(个|只|头)(地|的)?|接连|接二连三(地|的)?|成片(地|的)?)(倒|死|趴|瘫)|` +
      `${LIVESTOCK}.{0,4}${MANY}.{0,6}(发烧|发热|趴着|不吃|病了|倒了|抽风)|` +
      '(疑似|得了|染上|发现|是不是|像是|怀疑|传有|闹|来了).{0,4}(非洲猪瘟|猪瘟|禽流感|口蹄疫|(?<![晚早])疫病|布病|炭疽)|(暴发|爆发|发生)了?.{0,4}(疫|瘟|禽流感|口蹄疫)',
    ),
  ],
  [
    'lightning-flood',
    new RegExp(`${THUNDER_NOW}|${DOWN_BY_POWER}|${FLOOD_ESCAPE}`),
  ],
  [
    'lightning-flood',
    /雷击|被雷|雷劈|冒火花|漏电|触电|打雷.{0,8}(劈|击|打着|打中)|(地|田|棚|麦|玉米|苞米|庄稼|苗|菜|果园|大豆|花生).{0,6}(被淹|淹了|泡了|泡水|进水了|积水|水淹)|(淹|泡)了?.{0,3}(地|田|庄稼|麦子|玉米|棚)|内涝|涝了|洪水|发大水|水漫/,
  ],
];

/** A person, or what only a person does or has done for them. */
const PERSON = /人|俺(爹|娘|爸|妈|爷|奶|哥|姐|弟|妹|叔|婶|媳妇|对象|老伴|自己|头)|我(爹|娘|爸|妈|自己)|孩子|小孩|闺女|儿子|孙|老汉|老人|邻居|头晕|头疼|头痛|恶心|想吐|冒汗|出汗|眼花|看不清|医院|120/;
/** A crop harmed by a spray, told as a poisoning: "葡萄打药中毒了 叶子都焦了", "苗子药害中毒". */
const CROP_HARMED = /(叶|苗|秧|棵|树|庄稼|菜|麦|玉米|蒜|瓜|果|花生|豆|椒|茄)[^，。！？\s]{0,6}(中毒|药害)|(中毒|药害)了?[^，。！？]{0,4}(叶|苗|秧|棵|树|果)/;

/** The rest of the flock or herd is well: "兔子死了两只 剩下的都好好的". */
const REST_WELL = /(剩下|其他|其余|别|另外)的.{0,6}(都)?(好好的|没事|没啥事|正常|挺好|精神|能吃能喝)/;
const OUTBREAK_SIGN = /疫|瘟|发紫|水疱|水泡|起泡|黑血|不凝|口蹄|禽流感|接连|一个接一个|传染/;
const restWell = (text: string) => REST_WELL.test(text) && !OUTBREAK_SIGN.test(text);

/** A day that is over: "昨天下大雨泡了大半天 会死秧子不" asks about the damage, not for help now. */
const DAYS_AGO = /昨天|昨儿|前天|前儿|前几天|前两天|上礼拜|上周|上星期|上个月|去年|前年/;
/** …unless the water or the danger is still there. */
const STILL = /还在|还泡|还淹|还有水|正在|现在|这会|排不出|排不走|下不去|越来越|涨|雷|电|人/;

/** Heading an emergency off is no emergency: "咋预防鱼浮头", "闷热天咋防泛塘", "要不要提前开增氧机". */
const HEADING_OFF = /预防|防止|防范|提前|(咋|怎么|如何|怎样)防/;

/**
 * Asking for planning, a purchase or general knowledge is no emergency either, whatever words it shares with
 * one: "鱼塘老停电 平时得准备啥", "增氧机啥牌子的耐用 多少钱", "浮头和泛塘有啥区别", "非洲猪瘟是咋传的".
 */
const ASKS_ADVICE = new RegExp(
  '平时|平常|往后|以后(咋|怎么|如何|要)|明年|来年|打算|计划|想买|买啥|买多大|多少钱|啥牌子|哪个牌子|有啥区别|有什么区别|啥原因|什么原因|是咋传|讲课|想了解|想学|提前问|' +
  // "just asking": "农药喝了会死人吗 俺就是问问". Not 以防万一 or 没出事: "孩子喝了口敌草快 还没出事" is a poisoning
  '就是问问|随便问问|只是问问|问问而已|' +
  // why it happens whenever something comes round: "为啥一到换季的时候鱼就爱浮头"
  '(为啥|为什么|咋).{0,3}一到.{1,10}就|' +
  // what an emergency looks like in general: "煤气中毒有啥症状", "浮头是啥样子"
  '(中毒|浮头|泛塘|猪瘟|禽流感|口蹄疫|疫病)(一般)?(会)?(有啥|有什么|有哪些|是啥|是什么)(症状|表现|样子)',
);

/** A message that asks how to head an emergency off or for advice about one, not for help with one now. */
export function asksAdvice(text: string): boolean {
  return HEADING_OFF.test(text) || ASKS_ADVICE.test(text);
}

/**
 * The emergency the rules read in a message, if any. A human poisoning needs a person, not an animal word;
 * a question about preventing one reports none.
 */
export function emergencyByRules(text: string): EmergencyKind | undefined {
  if (asksAdvice(text)) return undefined;
  for (const [kind, re] of RULES) {
    if (!re.test(text)) continue;
    // a pesticide's fumes go to the pesticide card; a gassed flock with no person is the animals' trouble
    if (kind === 'gas-poisoning' && (PESTICIDE_FUMES.test(text) || (ANIMAL.test(text) && !PERSON.test(text)))) continue;
    // a field that was flooded days ago, the water not said to be there still: a question about the damage
    if (kind === 'lightning-flood' && DAYS_AGO.test(text) && !STILL.test(text)) return undefined;
    // a crop "poisoned" by a spray (药害) is no person poisoned
    if (kind === 'pesticide-poisoning' && CROP_HARMED.test(text) && !PERSON.test(text)) return undefined;
    if (kind === 'pesticide-poisoning' && ANIMAL.test(text) && !/人|我|俺|他|她|头晕|恶心|呕吐/.test(text)) return 'animal-disease';
    // a few dead and the rest well, with no outbreak's signs: a question about those few, not animals dying in numbers
    if (kind === 'animal-disease' && restWell(text)) return undefined;
    return kind;
  }
  return undefined;
}

/**
 * The emergency a message reports, if any. The rules know the common phrasings and name the kind best; the
 * trained classifier (`read`, absent when no model is loaded) finds the phrasings nobody wrote a rule for,
 * and overrules a rule's match that is only a question about one ("去年泛塘以后…"). A question asking for
 * prevention or advice (asksAdvice) is none for both.
 */
export function detectEmergency(text: string, read?: (text: string) => EmergencyReading): EmergencyKind | undefined {
  if (asksAdvice(text)) return undefined;
  const byRules = emergencyByRules(text);
  const kind = !read ? byRules : (() => {
    const reading = read(text);
    return byRules && !reading.vetoed ? byRules : reading.kind;
  })();
  return kind === 'animal-disease' && (isBloat(text) || isFeedUpset(text) || restWell(text)) ? undefined : kind;
}

/** An animal that ate spoilt or wrong feed ("猪吃了焖的白菜口吐白沫"): the knowledge base's feed poisoning answers. */
const ATE_FEED = /吃了.{0,6}(白菜|菜叶|菜帮|泔水|剩饭|霉|饲料|草料|苜蓿|玉米|豆饼|酒糟)/;

/** A feed upset, not a contagion: no deaths, no outbreak told besides. */
function isFeedUpset(text: string): boolean {
  return ATE_FEED.test(text) && !CONTAGION.test(text);
}

/** A bloated rumen (肚子鼓老高, 胀肚, 臌气): urgent, but no outbreak. */
const BLOAT = /胀肚|肚子.{0,4}(鼓|胀)|鼓肚|臌气|胀气|瘤胃/;
/** …unless the message tells of a contagion or deaths besides. */
const CONTAGION = /疫|瘟|传染|死/;

/**
 * Bloat is an emergency of one animal's stomach, not a contagion: the outbreak card's "不移动、不出售、马上报告"
 * is the wrong first step. The knowledge base's first aid for it (前高后低, 木棍衔在嘴里) answers instead.
 */
function isBloat(text: string): boolean {
  return BLOAT.test(text) && !CONTAGION.test(text);
}

function expertFor(kind: EmergencyKind, text: string): string {
  switch (kind) {
    case 'fish-hypoxia': return '水产';
    case 'pesticide-poisoning': return '植保';
    case 'animal-disease':
    case 'dead-animals': return /鱼|虾|蟹/.test(text) ? '水产' : '兽医';
    case 'gas-poisoning': return /猪|牛|羊|鸡|鸭|鹅|兔|畜|禽|圈|舍/.test(text) ? '畜牧' : /菇|菌|木耳/.test(text) ? '经济作物' : '蔬菜';
    case 'lightning-flood': return /菜|棚|瓜|椒|茄/.test(text) ? '蔬菜' : /果/.test(text) ? '果树' : '粮食作物';
  }
}

/** A card's body as the farmer reads it: headings and emphasis marks dropped, blank lines squeezed. */
function cardSteps(content: string): string {
  return content
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\*\*|__/g, '')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/**
 * A flood or waterlogging message ("地淹了", "发大水了", "棚里进水"), and the card headings about water
 * ("发大水了怎么逃", "庄稼被水淹了"): the lightning-flood card opens with those for it, not with the lightning.
 */
const FLOOD = /淹|涝|泡水|泡了|积水|进水|洪|大水|水漫|漫过|水灾|决口|转移/;
const FLOOD_HEADING = /水/;
/** Lightning, a shock or sparks: the message is (also) about the lightning, whose steps stay first. */
const LIGHTNING = /雷|闪电|触电|过电|漏电|火花/;

/** A cellar or a biogas pit: the gas card opens with those for it, not with the stove in a shed. */
const PIT = /窖|沼气/;

/**
 * Someone shocked by a pump, an aerator or a wire, and no lightning told: the card's shock steps lead (cut the
 * power before touching the person), not the lightning's, which say a person struck by lightning is safe to touch.
 */
const SHOCK = /触电|过电|漏电|电(打|着|倒|击|麻)了?|被电|挨电|电线.{0,4}(掉|断|搭|泡)/;
const SHOCK_HEADING = /触电/;
const THUNDER = /雷|闪电/;

/** The headings a message's own trouble is under, when it is one of a card's several (a flood, not the lightning). */
function aboutOf(text: string): RegExp | undefined {
  if (PIT.test(text)) return PIT;
  if (SHOCK.test(text) && !THUNDER.test(text)) return SHOCK_HEADING;
  return FLOOD.test(text) && !LIGHTNING.test(text) ? FLOOD_HEADING : undefined;
}

/** A card with its first-steps sections first (chosen by heading: the card may be edited, a search may rank another). */
function cardText(content: string, text = ''): string {
  return cardSteps(stepsFirst(content, aboutOf(text)).map((s) => s.text).join('\n'));
}

/**
 * A question about heading off an emergency, not about one happening ("咋预防鱼浮头", "打药咋防护"). 防护 only
 * here: "打药没防护，头晕" is still a poisoning for the rules, but a card's protection section needs no 120 first.
 */
const PREVENTION = new RegExp(`${HEADING_OFF.source}|防护`);

/**
 * The first steps to open a knowledge answer with, when that answer comes from an emergency card: a search may
 * rank a later section first ("哪些情况一定要去医院" for "农药中毒了怎么办"), yet whoever asks what to do about
 * a poisoning or a suffocating pond must read the card's first steps before anything else. Undefined when the
 * passage is no card's, is the disposal card's (a how-to), is already the first steps, or the question is about
 * preventing the emergency.
 */
export async function cardStepsFor(q: Queryable, hit: SearchHit, question: string): Promise<string | undefined> {
  if (PREVENTION.test(question) || hit.format !== 'markdown') return undefined;
  const card = await emergencyCardOf(q, hit.documentId);
  if (!card || card.kind === 'dead-animals') return undefined;
  const steps = firstSteps(card.content, aboutOf(question));
  if (!steps || steps.heading === hit.headingPath[hit.headingPath.length - 1]) return undefined;
  return cardSteps(steps.text);
}

function cardCitation(card: EmergencyCard, text: string): Citation {
  return {
    documentId: card.documentId, title: card.title, source: card.source ?? undefined, snippet: text.slice(0, 60),
    ...(card.pastReview ? { notice: PAST_REVIEW_NOTICE } : {}),
  };
}

/**
 * An emergency reply (undefined when the kind is no emergency and has no card): the reviewed safety steps first (from the emergency card in the knowledge base, or
 * the short built-in steps when no card is loaded), then the promise that an expert has it, as an urgent ticket.
 */
export async function emergencyReply(
  q: Queryable, templates: Templates, kind: EmergencyKind, text: string, wait: string,
): Promise<SkillResult | undefined> {
  const card = await findEmergencyCard(q, kind);
  if (kind === 'dead-animals') {
    // Disposing of a dead animal is a how-to, not an emergency: the card answers it when there is one,
    // and the knowledge base does otherwise. Animals dying in numbers is 'animal-disease'.
    if (!card) return undefined;
    return {
      text: cardText(card.content), intent: 'agronomy', confidence: 1, quickReplies: ['转人工'],
      citations: [cardCitation(card, card.content)],
    };
  }
  const steps = card ? cardText(card.content, text) : fill(templates, `emergency_${kind.replaceAll('-', '_')}`);
  const team = expertFor(kind, text);
  return {
    text: `${steps}\n\n${fill(templates, 'emergency_ticket', { team, wait })}`,
    intent: 'agronomy',
    confidence: 1,
    citations: card ? [cardCitation(card, steps)] : [],
    quickReplies: [],
    escalate: { reason: 'emergency', category: team, passages: [] },
  };
}
