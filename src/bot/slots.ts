import { extractDate } from './dates.ts';
import type { SlotLexicon } from './lexicon.ts';

export interface Slots {
  commodity?: string;
  /** the word the farmer used, when it names a variety (济麦22, 紫皮蒜) rather than the commodity itself */
  variety?: string;
  county?: string;
  town?: string;
  village?: string;
  market?: string;
  date?: string;
  datePhrase?: string;
  quantity?: string;
  phone?: string;
}

// A village name: 2–5 characters before 村 with no function word in them ("在村里" is not a village).
const VILLAGE = /([\p{Script=Han}]{2,5}村)(?![民委里子])/u;
const NOT_IN_VILLAGE_NAME = /[在里的们俺我你咱个这那哪本全各是管去到回进出下上有么啥]/;
const QUANTITY = /(\d+(?:\.\d+)?)\s*(亩|斤|公斤|千克|吨|人|个人|棵|头|只|箱|袋|车)/;
const PHONE = /(?<!\d)(1[3-9]\d{9})(?!\d)/;

/** Slots found in a normalised text: the longest lexicon words win, each span used once. */
export function extractSlots(text: string, lexicon: SlotLexicon, now: Date, markets: string[] = []): Slots {
  const slots: Slots = {};
  let rest = text;
  for (const market of [...markets].sort((a, b) => b.length - a.length)) {
    const short = market.replace(/(国际)?(农产品)?(批发|交易)?市场$/, '');
    const hit = rest.includes(market) ? market : short.length >= 2 && rest.includes(short) ? short : undefined;
    if (hit) {
      // the words stay for commodity and place scanning: "金乡大蒜" names both a market and a commodity
      slots.market = market;
      break;
    }
  }
  for (const { word, kind } of lexicon.scanOrder) {
    if (!rest.includes(word)) continue;
    if (kind === 'county' && !slots.county) slots.county = lexicon.countyAliases.get(word);
    else if (kind === 'town' && !slots.town) {
      slots.town = word;
      slots.county ??= lexicon.towns.get(word);
    } else if (kind === 'commodity' && !slots.commodity) {
      const canonical = lexicon.commodities.get(word)!;
      slots.commodity = canonical;
      if (word !== canonical && /\d|[蒜麦]|品种|紫皮|白皮/.test(word)) {
        // "金乡紫皮蒜" names a place and a variety: the place is its own slot
        const alias = [...lexicon.countyAliases.keys()].find((a) => word.startsWith(a) && word.length > a.length + 1);
        const variety = alias ? word.slice(alias.length) : word;
        if (!canonical.includes(variety)) slots.variety = variety;
        if (alias) slots.county ??= lexicon.countyAliases.get(alias);
      }
    } else continue;
    rest = rest.replace(word, ' ');
  }
  // A size grade names a variety of garlic and the like: "6.0厘米的" → 6.0厘米.
  const grade = /(\d+(?:\.\d+)?)\s*(厘米|公分|cm)/i.exec(text);
  if (grade && !slots.variety) slots.variety = `${grade[1]}厘米`;
  const village = VILLAGE.exec(rest.replace(/\s+/g, ' '));
  if (village) {
    // keep the longest tail that is a plausible name: "俺是前刘庄村" → 前刘庄村
    let name = village[1];
    while (name.length > 2 && NOT_IN_VILLAGE_NAME.test(name.slice(0, -1))) name = name.slice(1);
    if (!NOT_IN_VILLAGE_NAME.test(name.slice(0, -1)) && name.length >= 3) slots.village = name;
  }
  const date = extractDate(text, now);
  if (date) {
    slots.date = date.date;
    slots.datePhrase = date.phrase;
  }
  const quantity = QUANTITY.exec(text);
  if (quantity) slots.quantity = quantity[0];
  const phone = PHONE.exec(text);
  if (phone) slots.phone = phone[1];
  return slots;
}
