/** The question's words and character bigrams, each with its IDF weight. */
export interface QueryTerms {
  distinct: string[];
  idf: Map<string, number>;
  bigrams: Map<string, number>;
}

export interface CandidateFeatures {
  termFrequencies: Map<string, number>;
  length: number;
  averageLength: number;
  /** Normalised passage text (title, headings, content), for bigram matching. */
  text: string;
  /** Normalised title and heading path: a question's word in a heading says what the passage is about. */
  headings: string;
  cosine: number;
}

export interface CandidateSignals {
  score: number;
  cosine: number;
  coverage: number;
  bigramCoverage: number;
  headingCoverage: number;
  bm25: number;
}

const K1 = 1.2;
const B = 0.75;

// Weights tuned with `npm run eval` on the agri-qa dev set (see README, "Retrieval quality").
export const WEIGHTS = { coverage: 0.3, bigramCoverage: 0.3, cosine: 0.4, bm25: 0.005, headingCoverage: 0.15 };

/**
 * Signals a person can read: the share of the question's specific words (IDF-weighted) the passage
 * contains, the same for character bigrams (robust to segmentation), and the embedding cosine.
 * A small BM25 term rewards repeated specific words.
 */
export function scoreCandidate(q: QueryTerms, c: CandidateFeatures): CandidateSignals {
  let total = 0;
  let covered = 0;
  let inHeadings = 0;
  let bm25 = 0;
  for (const term of q.distinct) {
    const idf = q.idf.get(term) ?? 0;
    total += idf;
    if (c.headings.includes(term)) inHeadings += idf;
    const tf = c.termFrequencies.get(term) ?? 0;
    if (tf > 0) {
      covered += idf;
      bm25 += (idf * (tf * (K1 + 1))) / (tf + K1 * (1 - B + (B * c.length) / c.averageLength));
    }
  }
  let bigramTotal = 0;
  let bigramCovered = 0;
  for (const [gram, idf] of q.bigrams) {
    bigramTotal += idf;
    if (c.text.includes(gram)) bigramCovered += idf;
  }
  const coverage = total ? covered / total : 0;
  const headingCoverage = total ? inHeadings / total : 0;
  const bigramCoverage = bigramTotal ? bigramCovered / bigramTotal : coverage;
  const cosine = Math.max(0, c.cosine);
  const score =
    WEIGHTS.coverage * coverage + WEIGHTS.bigramCoverage * bigramCoverage + WEIGHTS.cosine * cosine + WEIGHTS.bm25 * bm25 +
    WEIGHTS.headingCoverage * headingCoverage;
  return { score: Math.min(1, score), cosine, coverage, bigramCoverage, headingCoverage, bm25 };
}
