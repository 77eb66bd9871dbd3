/**
 * How much of the question's own content one passage holds, for the confidence calibrator: a passage
 * answers a question when it covers what the question is specifically about, not when the document's title
 * shares a word. Read from the single chunk, and apart from the headings it sits under.
 */
import type { QueryTerms } from './scoring.ts';

export interface SupportSignals {
  /** IDF-weighted share of the question's words found in the chunk's own text (title and headings left out) */
  contentCoverage: number;
  /** the question's most specific word is in the document title or the chunk's headings */
  subjectInHeading: boolean;
  /**
   * IDF of the most specific dictionary word of the question the passage lacks, over the most specific
   * one's IDF: 0 when the passage holds every such word, 1 when it lacks the most specific one ("二氧化碳
   * 气肥" asked, a mushroom passage). Words no dictionary knows ("中不中", typos) are left out: their IDF
   * is a guess.
   */
  missingSpecific: number;
  /** IDF-weighted share of the question's words that no passage of the knowledge base holds */
  unknownToKb: number;
  /** IDF-weighted share of the question's dictionary words (not colloquial fillers or typos) in the passage */
  knownCoverage: number;
  /** how many of the question's dictionary words the passage lacks */
  knownMissing: number;
}

/** Words shorter than two characters say little about the subject (single characters are mostly grammar). */
const specific = (t: string) => t.length > 1;

export function supportSignals(
  terms: QueryTerms,
  passage: { text: string; content: string; headings: string },
  documentFrequencies: Map<string, number>,
  isKnown: (word: string) => boolean,
): SupportSignals {
  const words = terms.distinct.filter(specific);
  let total = 0;
  let inContent = 0;
  let unknown = 0;
  let knownTotal = 0;
  let knownCovered = 0;
  let knownMissing = 0;
  let topIdf = 0;
  let missingIdf = 0;
  for (const t of words) {
    const idf = terms.idf.get(t) ?? 0;
    total += idf;
    if (passage.content.includes(t)) inContent += idf;
    if (!documentFrequencies.get(t)) unknown += idf;
    if (!isKnown(t)) continue;
    knownTotal += idf;
    topIdf = Math.max(topIdf, idf);
    if (passage.text.includes(t)) knownCovered += idf;
    else {
      knownMissing++;
      missingIdf = Math.max(missingIdf, idf);
    }
  }
  const subject = terms.subject ?? [];
  return {
    contentCoverage: total ? inContent / total : 0,
    subjectInHeading: subject.some((w) => passage.headings.includes(w)),
    missingSpecific: topIdf ? missingIdf / topIdf : 0,
    unknownToKb: total ? unknown / total : 0,
    knownCoverage: knownTotal ? knownCovered / knownTotal : 0,
    knownMissing,
  };
}
