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
  /** For a Q&A pair: its question, normalised. A farmer asking the same question should get this pair. */
  question?: string;
  cosine: number;
}

export interface CandidateSignals {
  /** unbounded: the retriever reports min(1, score) after ranking, so strong passages keep their order */
  score: number;
  cosine: number;
  coverage: number;
  bigramCoverage: number;
  headingCoverage: number;
  /** how closely the question matches a Q&A pair's own question (bigram overlap both ways), 0..1 */
  titleMatch: number;
  bm25: number;
}

const K1 = 1.2;
const B = 0.75;

// Weights tuned with `npm run eval` on the agri-qa dev set (see README, "Retrieval quality").
export const WEIGHTS = { coverage: 0.3, bigramCoverage: 0.3, cosine: 0.4, bm25: 0.005, headingCoverage: 0.15, titleMatch: 0.25 };

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
  const titleMatch = c.question ? questionOverlap(q.bigrams, c.question) : 0;
  const score =
    WEIGHTS.coverage * coverage + WEIGHTS.bigramCoverage * bigramCoverage + WEIGHTS.cosine * cosine + WEIGHTS.bm25 * bm25 +
    WEIGHTS.headingCoverage * headingCoverage + WEIGHTS.titleMatch * titleMatch;
  return { score, cosine, coverage, bigramCoverage, headingCoverage, titleMatch, bm25 };
}

/** Bigram overlap of the asked question and a stored one, the smaller of the two coverages (so a short
 * stored question inside a long ask, or the reverse, does not count as the same question). */
function questionOverlap(asked: Map<string, number>, stored: string): number {
  if (asked.size === 0) return 0;
  const storedGrams = new Set<string>();
  for (const run of stored.match(/\p{Script=Han}+/gu) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) storedGrams.add(run.slice(i, i + 2));
  }
  if (storedGrams.size === 0) return 0;
  let shared = 0;
  for (const g of asked.keys()) if (storedGrams.has(g)) shared++;
  return Math.min(shared / asked.size, shared / storedGrams.size);
}
