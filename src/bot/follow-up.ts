import type { SlotLexicon } from './lexicon.ts';
import type { Slots } from './slots.ts';

// What a real follow-up may hold besides its slots: the words that make it one ("那…呢", "怎么样"), the
// particles around a slot ("金乡的呢"), dates' and sizes' digits and units ("3月5号呢", "那6.0厘米的呢").
const FILLER = /[那么还有再问看也就呢吗啊呀吧了的是要在这俺我咱家村镇县区市咋样怎如何月日号年周天上下个厘米公分斤元块\d.\s\p{P}\p{S}a-z]/giu;

/**
 * True when a short "那…呢" names something beyond the slots it changes ("那羊拉稀呢" after a programme
 * answer): a new question, which starts clean, rather than the last question asked again with a new place,
 * date or commodity (issue 10 §7: slots carry over only into a real follow-up).
 */
export function namesNewSubject(text: string, slots: Slots, lexicon: SlotLexicon): boolean {
  let rest = text;
  for (const { word } of lexicon.scanOrder) if (rest.includes(word)) rest = rest.split(word).join(' ');
  for (const v of [slots.market, slots.variety, slots.datePhrase, slots.quantity, slots.village]) {
    if (v) rest = rest.split(v).join(' ');
  }
  return rest.replace(FILLER, '').length >= 2;
}
