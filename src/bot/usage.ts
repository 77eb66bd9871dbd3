// Questions about using the assistant itself, answered from its own rules rather than the knowledge base:
// how to stop the messages (the 退订 command) and whether a 信息员 may ask for the farmer (代问). The
// commands themselves ("退订", "代问 手机号 问题") are parsed in commands.ts; these only explain them.
import type { Slots } from './slots.ts';

/** The assistant's messages: 短信, 消息, or "给俺发…". */
const MESSAGES = /短信|消息|推送|给(俺|我|咱)(天天|老|总|一直)?发/;
/** Wanting them to stop: "烦死了", "咋能不发", "不想收了", "停掉". Not "怎么没收到" (a complaint about none). */
const STOP = /不想(要|收|看|再收|再要)|不要了|别(再)?(给.{0,3})?发|不(用|要)再?发|(咋|怎么|如何|能不能|能)(才)?能?不(再)?发|烦|太多了|(咋|怎么|如何|能不能)停|停(掉|发|止)|退订|关(掉|闭)|取消/;
const NOT_RECEIVED = /没收到|收不到|没有收到|怎么没|咋没|没来/;

/** "天天给俺发短信烦死了 咋能不发": how to stop the messages (the answer is the 退订 command). */
export function asksHowToStop(text: string): boolean {
  const t = text.replace(/\s+/g, '');
  return t.length <= 40 && MESSAGES.test(t) && STOP.test(t) && !NOT_RECEIVED.test(t);
}

/** Someone asking for the farmer: the 信息员 (or a child, a neighbour) asks in their stead. */
const ASKS_FOR_ME = /(信息员|村干部|别人|孩子|儿子|闺女|邻居).{0,8}(替|帮|代)(俺|我|咱)?.{0,2}(问|发|打字|咨询)|代问/;
/** …as a question whether it can be done, not a farming question sent through them. */
const WHETHER = /能|可以|行|中不中|咋|怎么|吗|不$/;
const FARMING = /病|虫|药|肥|苗|价|咋治|咋种/;

/** "俺不识几个字 能让信息员替俺问吗": whether a 信息员 may ask for the farmer (代问). */
export function asksAboutAskingFor(text: string, slots: Slots): boolean {
  const t = text.replace(/\s+/g, '');
  return t.length <= 40 && ASKS_FOR_ME.test(t) && WHETHER.test(t) && !slots.commodity && !FARMING.test(t);
}
