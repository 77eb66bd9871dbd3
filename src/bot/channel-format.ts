import type { Citation } from '../conversations/types.ts';
import { splitSentences } from '../knowledge/chunker.ts';
import { sourceLine } from './compose.ts';

/** 3 UCS-2 segments of 67 characters: the longest SMS answer before "回复1看更多". */
export const SMS_BUDGET_CHARS = 201;
export const SMS_MORE_HINT = '（回复1看更多）';

/**
 * Plain text for SMS within the budget: whole sentences (never a cut inside a number, a unit or a phone
 * number), the source named in one line, and the rest kept for "回复1".
 */
export function formatForSms(text: string, citations: Citation[] = [], budget = SMS_BUDGET_CHARS): { text: string; more?: string } {
  const source = sourceLine(citations);
  const full = `${text}${source}`;
  if (full.length <= budget) return { text: full };
  const room = budget - SMS_MORE_HINT.length;
  // Lines (list items) stay lines; within a line, whole sentences.
  const sentences = text.split('\n').flatMap((line, i, all) => {
    const parts = splitSentences(line).map((s) => s.replace(/；$/, line.endsWith('；') ? '；' : ''));
    if (i < all.length - 1 && parts.length) parts[parts.length - 1] += '\n';
    return parts;
  });
  let head = '';
  let i = 0;
  for (; i < sentences.length; i++) {
    if (head.length + sentences[i].length > room) break;
    head += sentences[i];
  }
  if (!head) {
    // One very long sentence: cut at the last comma or space that fits, never inside a run of digits.
    const slice = sentences[0].slice(0, room);
    const cut = Math.max(slice.lastIndexOf('，'), slice.lastIndexOf('、'), slice.lastIndexOf(' '));
    let at = cut > room / 2 ? cut + 1 : room;
    while (at > 0 && /[\d.]/.test(sentences[0][at - 1]) && /[\d.%]/.test(sentences[0][at] ?? '')) at--;
    head = sentences[0].slice(0, at);
    sentences[0] = sentences[0].slice(at);
    i = 0;
  }
  const rest = `${sentences.slice(i).join('')}${source}`;
  return { text: `${head}${SMS_MORE_HINT}`, more: rest };
}
