import type { Slots } from './slots.ts';

/**
 * Words of farming and rural life: a question with any of them is never turned away as out of scope,
 * however badly the knowledge base covers it (it goes to an expert instead).
 */
const RURAL = /病|虫|药|肥|种|苗|椒|叶|根|茎|果|花|收|播|浇|灌|产|养|喂|猪|牛|羊|鸡|鸭|鹅|兔|鱼|虾|蟹|鳖|蜂|蚕|棚|地|田|草|土|芽|穗|粒|蒜|麦|玉米|苞米|豆|菜|瓜|藕|苹果|梨|桃|葡萄|农|村|乡|镇|县|庄稼|牲口|畜|禽|兽|圈|栏|塘|渔|林|树|粮|秧|犁|耕|灌溉|水利|发情|配种|疫苗|兽药|打针|防疫|下崽|产仔|孵|蛋|奶|饲|补贴|政策|合作社|信息社|信息员|天气|下雨|降雨|霜|冰雹|旱|涝|淹/;

/** Topics that are clearly neither farming nor rural life (entertainment, finance, schoolwork, chit-chat). */
const OFF_TOPIC = /股票|股市|炒股|基金|彩票|双色球|比特币|足球|篮球|世界杯|NBA|欧冠|球赛|明星|演员|歌手|电影|电视剧|综艺|追星|演唱会|游戏|王者荣耀|吃鸡|原神|写(一)?(首|篇)|作文|写诗|讲个?笑话|笑话|脑筋急转弯|谈恋爱|女朋友|男朋友|相亲|星座|算命|运势|编程|写代码|代码|python|java|数学题|解方程|翻译成|英语单词|总统|选举|小说|动漫|口红|化妆|[\u4e00-\u9fa5]{2}座(和|跟|与)|(白羊|金牛|双子|巨蟹|狮子|处女|天秤|天蝎|射手|摩羯|水瓶|双鱼)座|等于几|方程|作业|情书|表白|excel|word|ppt|欧洲杯|决赛|冠军|离婚|出轨|八卦|火车票|高铁票|机票|飞机票|车票|酒店|宾馆|外卖|爬虫|赛季|进球|球星|梅西|C罗|詹姆斯|奥运|西游记|红楼梦|水浒|三国演义|猪八戒|孙悟空|武侠|牛市|熊市|涨停|跌停|大盘|iphone|苹果\d+|pro ?max|蓝屏|重装系统|死机|羊了个羊|开心农场|偷菜|消消乐|斗地主/i;

/**
 * Below this retrieval score the best passage shares nothing of substance with the question. Set on the
 * BM25F blend's scale (src/knowledge/scoring.ts): the highest round value that turns away none of the 340
 * farming questions of eval/tune-c and eval/tune-d.
 */
const NOTHING_RELATED = 0.12;

/**
 * The question names a topic that is neither farming nor rural life, and with that topic's words taken out no
 * rural word is left (双鱼座 holds 鱼; 开心农场 holds 农). Whatever skill the question would reach, it is turned away.
 */
export function namesOffTopicSubject(text: string): boolean {
  return OFF_TOPIC.test(text) && !RURAL.test(text.replace(new RegExp(OFF_TOPIC.source, 'gi'), ''));
}

/** "Out of scope" only for what is clearly neither farming nor rural life; everything else goes to a person. */
export function isClearlyOffTopic(text: string, slots: Slots, bestScore = 1): boolean {
  // Before the slots: a commodity inside the topic's words (双鱼座) is no farming.
  if (namesOffTopicSubject(text)) return true;
  if (slots.commodity || slots.county || slots.town || slots.village) return false;
  // Not a word of Chinese ("'; DROP TABLE", a row of letters): nothing a farmer asked that a person could answer.
  if (!/\p{Script=Han}/u.test(text)) return true;
  // Not one word of the trade, and nothing in the knowledge base shares any of its substance.
  return bestScore < NOTHING_RELATED && !RURAL.test(text);
}

/** Forecasts are not in the knowledge base: the farmer is told where to ask (12316, the weather service). */
const WEATHER = /天气预报|(天气|气温)(咋样|怎么样|如何|好不好|多少度)|(今天|明天|后天|这几天|最近|下周|周末|过几天).{0,6}(下雨|有雨|下雪|刮风|大风|降温|升温|冰雹|霜冻|几度|多少度|天气)|(会不会|下不下|有没有)(雨|下雨|雪|冰雹|霜冻)|几号(下雨|有雨)/;

export function asksForecast(text: string): boolean {
  return WEATHER.test(text);
}
