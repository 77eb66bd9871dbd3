import type { SearchHit } from '../knowledge/retriever.ts';
import type { Citation } from '../conversations/types.ts';
import { splitQa } from '../knowledge/documents.ts';
import { splitSentences } from '../knowledge/chunker.ts';
import { PAST_REVIEW_NOTICE } from '../knowledge/review.ts';

/** Longest answer body on the web; SMS gets its own budget and paging on top of this. */
export const ANSWER_MAX_CHARS = 300;

export function citationOf(hit: SearchHit): Citation {
  return {
    documentId: hit.documentId,
    title: hit.reviewed ? `${hit.title}（专家答复）` : hit.title,
    ...(hit.source ? { source: hit.source } : {}),
    snippet: hit.snippet,
    ...(hit.pastReview ? { notice: PAST_REVIEW_NOTICE } : {}),
  };
}

/** The passage as an answer: a Q&A pair's answer part, whole sentences up to the limit. */
export function answerFromPassage(hit: SearchHit, maxChars = ANSWER_MAX_CHARS): string {
  const body = hit.format === 'qa' ? splitQa(hit.content).answer : hit.content;
  return trimToSentences(body.replace(/；$/, '。'), maxChars);
}

export function trimToSentences(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let out = '';
  for (const s of splitSentences(text)) {
    if (out && out.length + s.length > maxChars) break;
    out += s;
  }
  return out.length > maxChars ? `${out.slice(0, maxChars - 1)}…` : out;
}

/** One line naming where an answer comes from, for channels without citation cards (SMS). */
export function sourceLine(citations: Citation[]): string {
  const c = citations[0];
  return c ? `（来源：${c.source && c.source.length <= 20 ? c.source : c.title}）${c.notice ?? ''}` : '';
}
