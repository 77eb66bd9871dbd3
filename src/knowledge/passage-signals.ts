/**
 * Signals of whether the first passage holds the answer to a question asked in a farmer's own words, for
 * the confidence calibrator (not the ranking score): read from what the passage says it is about, its
 * headings or a Q&A pair's own question. Kept because they raise the in-KB answered share at the operating
 * point on tuning sets left out of the fit (src/cli/calibrate.ts prints that leave-one-set-out check).
 */

export interface PassageSignals {
  /** share of the question's character bigrams (colloquial phrases in standard form) in the passage's title and headings */
  headingBigram: number;
  /** IDF-weighted share of the question's words in the chunk's own heading (a Q&A pair's question): the score's sectionCoverage */
  sectionCoverage: number;
}

/** Share of the question's bigrams found in `heading`. */
export function bigramShare(bigrams: Iterable<string>, heading: string): number {
  let n = 0;
  let hit = 0;
  for (const g of bigrams) {
    n++;
    if (heading.includes(g)) hit++;
  }
  return n ? hit / n : 0;
}
