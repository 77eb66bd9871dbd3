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
