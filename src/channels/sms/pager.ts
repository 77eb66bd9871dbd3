import { LIMITS, smsShape } from './encoding.ts';

export const MORE_HINT = '（回复1看更多）';
export const DEFAULT_BUDGET_SEGMENTS = 3;

// Runs a cut must not fall inside: links, phone numbers, and numbers with their unit ("0.5公斤", "15-20天",
// "3.2元/斤", "40%"). A farmer who gets "每亩用药1" and "5克" on two pages gets a wrong dose.
const UNITS = '元/斤|元/公斤|元/千克|元/吨|元/亩|公斤|千克|毫升|厘米|毫米|小时|分钟|平方米|立方米|个月|[元斤克吨亩升米天倍度号月日年时分秒株头只℃%％]|kg|g|ml|cm|mm|L';
const PROTECTED = new RegExp(
  [
    String.raw`https?:\/\/[^\s，。；！？、）)]+`,
    String.raw`www\.[^\s，。；！？、）)]+`,
    String.raw`\+?\d[\d\s\-]{5,}\d`,
    String.raw`\d+(?:[.:：/\-~～到至]\d+)*\s?(?:${UNITS})?`,
  ].join('|'),
  'gu',
);
const SENTENCE_END = /[。！？；!?;\n]/;
// A mark that closes what comes before it: a page never starts with one (it would be dropped, or read alone).
const CLOSING_MARK = /[，、：；。！？,:;!?）)」”]/;
const CLAUSE_END = /[，、：,:\s）)]/;

/** UTF-16 units that fit `segments` UCS-2 SMS: the hint is Chinese, so a paged text is always UCS-2. */
function ucs2Room(segments: number): number {
  return segments <= 1 ? LIMITS.ucs2.single : segments * LIMITS.ucs2.part;
}

function forbiddenCuts(text: string): Set<number> {
  const inside = new Set<number>();
  for (const m of text.matchAll(PROTECTED)) {
    for (let i = m.index + 1; i < m.index + m[0].length; i++) inside.add(i);
  }
  return inside;
}

/**
 * Where to end a page of at most `room` UTF-16 units: after a sentence if one ends in the second half of the
 * room, else after a clause, else at the last place that is not inside a number, unit, phone number, link or
 * surrogate pair.
 */
export function cutPoint(text: string, room: number): number {
  if (text.length <= room) return text.length;
  const forbidden = forbiddenCuts(text);
  const ok = (i: number) => !forbidden.has(i) && !/[\uDC00-\uDFFF]/.test(text[i] ?? '') && !CLOSING_MARK.test(text[i] ?? '');
  for (const boundary of [SENTENCE_END, CLAUSE_END]) {
    for (let i = room; i > room / 2; i--) if (boundary.test(text[i - 1]) && ok(i)) return i;
  }
  for (let i = room; i > 0; i--) if (ok(i)) return i;
  // One unbreakable run longer than a page (a very long link): cut it rather than never send it.
  return room;
}

/**
 * The text within the SMS budget (default 3 segments) and, when it doesn't fit, the first page with
 * "（回复1看更多）" and the rest for the next "1". GSM-7 text that fits stays GSM-7.
 */
export function smsBudgetText(text: string, segments = DEFAULT_BUDGET_SEGMENTS): { text: string; more?: string } {
  const clean = text.trim();
  if (smsShape(clean).segments <= segments) return { text: clean };
  const at = cutPoint(clean, ucs2Room(segments) - MORE_HINT.length);
  const head = clean.slice(0, at).trimEnd();
  const more = clean.slice(at).replace(/^[\s，、：,:；;。]+/, '');
  return more ? { text: `${head}${MORE_HINT}`, more } : { text: head };
}

/** A long text as consecutive pages, each within the budget (for a phone with no conversation to page in). */
export function smsPages(text: string, segments = DEFAULT_BUDGET_SEGMENTS): string[] {
  const pages: string[] = [];
  let rest = text.trim();
  const mark = '（99/99）';
  while (rest) {
    const last = pages.length === 0 ? rest : `${rest}${mark}`;
    if (smsShape(last).segments <= segments) {
      pages.push(rest);
      break;
    }
    // Each page of several says where it is ("（2/3）"): keep room for the longest such mark.
    const at = cutPoint(rest, ucs2Room(segments) - mark.length);
    pages.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).replace(/^[\s，、：,:；;。]+/, '');
  }
  if (pages.length === 1) return pages;
  return pages.map((p, i) => `${p}（${i + 1}/${pages.length}）`);
}
