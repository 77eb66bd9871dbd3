// How a text travels as SMS: GSM-7 when every character is in the GSM 03.38 alphabet (160 per single SMS,
// 153 per concatenated part, extension characters count twice), otherwise UCS-2 (70 per single SMS, 67 per
// part, counted in UTF-16 code units so an emoji counts two). Chosen per message, as phones do.

export type SmsEncoding = 'gsm7' | 'ucs2';

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export const LIMITS = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
} as const;

export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return 'ucs2';
  return 'gsm7';
}

/** Units a text takes in its encoding: septets for GSM-7, UTF-16 code units for UCS-2. */
function unitsOf(ch: string, encoding: SmsEncoding): number {
  if (encoding === 'ucs2') return ch.length;
  return EXTENSION.has(ch) ? 2 : 1;
}

export interface SmsShape {
  encoding: SmsEncoding;
  units: number;
  segments: number;
}

export function smsShape(text: string): SmsShape {
  const encoding = smsEncoding(text);
  let units = 0;
  for (const ch of text) units += unitsOf(ch, encoding);
  if (units <= LIMITS[encoding].single) return { encoding, units, segments: units === 0 ? 0 : 1 };
  return { encoding, units, segments: splitParts(text, encoding).length };
}

/**
 * The parts of a concatenated SMS. A part never ends inside a surrogate pair (UCS-2) or an escape sequence
 * (GSM-7): the phone would show a broken character at the join.
 */
export function splitParts(text: string, encoding: SmsEncoding = smsEncoding(text)): string[] {
  const { single, part } = LIMITS[encoding];
  let total = 0;
  for (const ch of text) total += unitsOf(ch, encoding);
  if (total <= single) return [text];
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of text) {
    const u = unitsOf(ch, encoding);
    if (used + u > part) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += u;
  }
  if (current) parts.push(current);
  return parts;
}

/** The longest prefix of `text` (whole code points) that fits `maxSegments` SMS in the text's encoding. */
export function fitsSegments(text: string, maxSegments: number): boolean {
  return smsShape(text).segments <= maxSegments;
}

/** UTF-16 text that is not well formed (a lone surrogate): it cannot be encoded for a phone. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
