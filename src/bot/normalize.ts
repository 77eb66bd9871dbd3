// Only the traditional-to-simplified tables: the full bundle also carries simplified-to-traditional.
import * as OpenCC from 'opencc-js/t2cn';

// Traditional (Taiwan/Hong Kong forms included) to simplified, as farmers on old phones sometimes type.
const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

// Emoji, skin tones, variation selectors and joiners are removed one code point at a time (no sequences
// are needed: everything matched is dropped).
// eslint-disable-next-line no-misleading-character-class
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{FE0F}\u{200D}]/gu;
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/g;

/**
 * A farmer's text as the agent reads it: full-width letters and digits to half-width (NFKC keeps Chinese
 * punctuation meaningful), traditional to simplified, emoji and control characters dropped, spaces collapsed.
 */
export function normalizeText(text: string): string {
  return toSimplified(
    text
      .normalize('NFKC')
      .replace(CONTROL, '')
      .replace(EMOJI, ' '),
  )
    .replace(/[ \t\u3000]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/** True when nothing meaningful is left: only punctuation, symbols or spaces. */
export function isContentless(text: string): boolean {
  return !/[\p{Script=Han}\p{L}\p{N}]/u.test(text);
}
