import type { Slots } from './slots.ts';

/** Attempts to rewrite the assistant's rules ("忽略之前的指令", "developer mode"). */
export const INJECTION = /(忽略|无视|忘记|忘掉).{0,8}(规则|指令|设定|提示|要求)|系统提示词|提示词|system\s*prompt|developer mode|开发者模式|越狱|jailbreak|你现在(是|扮演)|扮演一个|print your prompt|ignore (all |the )?(previous|above)/i;

/** True when the text is only slot words and filler ("玉米", "金乡县的", "俺是羊山镇的"). */
export function isJustSlots(text: string, slots: Slots): boolean {
  let rest = text;
  for (const v of [slots.commodity, slots.variety, slots.county, slots.town, slots.village, slots.market, slots.datePhrase]) {
    if (v) rest = rest.split(v).join('');
  }
  rest = rest.replace(/[的吧呢啊吗呀了要是就那这俺我在住咱家村镇县区市\s，,。.！!？?]/g, '');
  return rest.length <= 2;
}

export function definedOnly(slots: Slots): Slots {
  return Object.fromEntries(Object.entries(slots).filter(([, v]) => v !== undefined)) as Slots;
}

/**
 * A text that is no question in any language the service reads: one or a few characters repeated
 * ("啊啊啊啊啊啊啊啊", "asdasdasdasd"), a long run of latin letters with no word break (a keyboard mashed), or
 * letters of no script the service reads (neither Chinese nor latin) and no digit. Such a text is answered
 * with what to send, never handed to an expert.
 */
export function isJunk(text: string): boolean {
  const core = text.replace(/[\s\p{P}\p{S}]/gu, '');
  // Digits alone may answer a question in progress (a phone, a price, a quantity): hasNoWords judges them later.
  if (!core || /^\d+$/.test(core)) return false;
  if (!/[\p{Script=Han}A-Za-z0-9]/u.test(core)) return true;
  const chars = [...core];
  if (chars.length >= 8 && new Set(chars).size <= 2) return true;
  if (/^(.{1,8}?)\1{3,}$/u.test(core) && chars.length >= 8) return true;
  return !/\p{Script=Han}/u.test(core) && /[A-Za-z]{30,}/.test(core);
}

/** No Chinese and no latin word: nothing an expert could take as a question (digits alone, a lone letter). */
export function hasNoWords(text: string): boolean {
  return !/\p{Script=Han}|[A-Za-z]{2,}/u.test(text);
}
