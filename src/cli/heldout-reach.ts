/**
 * Why an in-KB question was handed over: was the right passage found and only its confidence too low (the
 * calibrator binds), or was it not found (retrieval and the knowledge's reach bind)? For each escalated in-KB
 * question, the retriever's first five documents for the text the agent reads are looked at:
 *   topDoc        the first passage is from expect_doc
 *   topFacts      the first passage (from any document) holds every expected fact
 *   topDocFacts   both: the first passage is expect_doc's and holds the facts
 *   top5Doc       expect_doc is among the first five documents
 *   none          expect_doc is not among the five and no first passage holds the facts
 * and, of those whose first passage holds the facts, why it was not answered: a failed check (answer kind,
 * species, subject) or a probability under the threshold.
 */
import type { Knowledge } from '../knowledge/index.ts';
import type { SearchHit } from '../knowledge/retriever.ts';

export interface ReachItem {
  question: string;
  expect_doc?: string;
  expect_facts?: string[];
}

export interface Reach {
  escalated: number;
  topDoc: number;
  topFacts: number;
  topDocFacts: number;
  top5Doc: number;
  none: number;
  /** of topFacts: the first passage failed a check */
  factsButFailed: Record<string, number>;
  /** of topFacts without a failed check: the probability under the threshold, by band */
  factsButLow: Record<string, number>;
}

export function emptyReach(): Reach {
  return { escalated: 0, topDoc: 0, topFacts: 0, topDocFacts: 0, top5Doc: 0, none: 0, factsButFailed: {}, factsButLow: {} };
}

const passageText = (h: SearchHit) => [h.title, ...h.headingPath, h.content].join('\n');
const band = (p: number) => (p < 0.3 ? '<0.3' : p < 0.5 ? '0.3-0.5' : p < 0.7 ? '0.5-0.7' : '≥0.7');

/** Counts one escalated in-KB question; returns a one-line reading for a listing (tuning sets only). */
export async function countReach(
  reach: Reach, kb: Knowledge, sourceOf: Map<string, string>, text: string, item: ReachItem,
): Promise<string> {
  const hits = await kb.retriever.search(text, { limit: 5 });
  const fromDoc = (h: SearchHit) => Boolean(item.expect_doc && (sourceOf.get(h.documentId) ?? '').startsWith(item.expect_doc));
  const facts = item.expect_facts ?? [];
  const [top] = hits;
  const topDoc = Boolean(top && fromDoc(top));
  const topFacts = Boolean(top && facts.length && facts.every((f) => passageText(top).includes(f)));
  const top5Doc = hits.some(fromDoc);
  reach.escalated++;
  if (topDoc) reach.topDoc++;
  if (topFacts) reach.topFacts++;
  if (topDoc && topFacts) reach.topDocFacts++;
  if (top5Doc) reach.top5Doc++;
  if (!top5Doc && !topFacts) reach.none++;
  if (topFacts && top.failed) reach.factsButFailed[top.failed] = (reach.factsButFailed[top.failed] ?? 0) + 1;
  else if (topFacts) reach.factsButLow[band(top.confidence)] = (reach.factsButLow[band(top.confidence)] ?? 0) + 1;
  const rank = hits.findIndex(fromDoc);
  const tag = topFacts ? `facts@1${top.failed ? ` failed:${top.failed}` : ''}` : rank >= 0 ? `doc@${rank + 1}` : 'none';
  return `${tag} p=${top?.confidence.toFixed(2) ?? '-'} → ${top ? [top.title, ...top.headingPath].join(' › ') : '-'}`;
}
