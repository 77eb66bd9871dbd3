/** The question's words and character bigrams, each with its IDF weight. */
export interface QueryTerms {
  distinct: string[];
  idf: Map<string, number>;
  bigrams: Map<string, number>;
  /** the question's most specific known word ("大豆" in "大豆啥时候种"), with the shorter words inside it */
  subject?: string[];
  /** what kind of answer the question wants, when it says (how to treat, when, how much) */
  wants?: AnswerKind;
}

export type AnswerKind = 'treatment' | 'timing' | 'amount';

const ASKS: [AnswerKind, RegExp][] = [
  ['treatment', /(咋|怎么|怎样|如何)(治|防|防治|办)|用(啥|什么)药|打(啥|什么)药|喷(啥|什么)|治疗|防治/],
  ['timing', /(啥|什么)时候|何时|几月|哪天|多会|啥时/],
  ['amount', /多少(斤|公斤|克|毫升|棵|株|苗)|用量|几斤|一亩.{0,4}多少|亩用/],
];
const ANSWERS: Record<AnswerKind, RegExp> = {
  treatment: /喷|用药|药剂|杀菌剂|杀虫剂|唑|菌酯|霉素|波尔多|氯|灌根|拌种|泼洒|浸泡|注射|治疗|防治[:：]/,
  timing: /\d+月|[上中下]旬|日龄|春季|秋季|冬季|夏季|春秋|立[春夏秋冬]|落叶|萌芽|前后|以后|之前|期间|时期/,
  amount: /\d+(\.\d+)?\s*(斤|公斤|千克|克|毫升|棵|株|万|粒|倍)/,
};

/** True when a passage holds the kind of answer asked for. */
export function answers(kind: AnswerKind, text: string): boolean {
  return ANSWERS[kind].test(text);
}

/** The kind of answer a question asks for, from its wording. */
export function answerKindOf(question: string): AnswerKind | undefined {
  return ASKS.find(([, re]) => re.test(question))?.[0];
}

export interface CandidateFeatures {
  termFrequencies: Map<string, number>;
  length: number;
  averageLength: number;
  /** Normalised passage text (title, headings, content), for bigram matching. */
  text: string;
  /** Normalised title and heading path: a question's word in a heading says what the passage is about. */
  headings: string;
  /** For a Q&A pair: its question's tokens. A farmer asking the same question should get this pair. */
  questionTokens?: string[];
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
export const WEIGHTS = {
  coverage: 0.3, bigramCoverage: 0.3, cosine: 0.4, bm25: 0.005, headingCoverage: 0.15, titleMatch: 0.25, answerKind: 0.1,
  subjectMissing: -0.15,
};

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
  const titleMatch = c.questionTokens ? questionOverlap(q, c.questionTokens) : 0;
  // A passage of the kind asked for (a treatment for "咋治", a time for "啥时候") beats one that only names the pest.
  const answerKind = q.wants && ANSWERS[q.wants].test(c.text) ? 1 : 0;
  // The question's most specific word is its subject ("大豆" in "大豆啥时候种"): a passage without it is about
  // something else, however well the rest of the wording fits.
  const subjectMissing = q.subject && q.distinct.length > 1 && !q.subject.some((s) => c.text.includes(s)) ? 1 : 0;
  const score =
    WEIGHTS.coverage * coverage + WEIGHTS.bigramCoverage * bigramCoverage + WEIGHTS.cosine * cosine + WEIGHTS.bm25 * bm25 +
    WEIGHTS.headingCoverage * headingCoverage + WEIGHTS.titleMatch * titleMatch + WEIGHTS.answerKind * answerKind +
    WEIGHTS.subjectMissing * subjectMissing;
  return { score, cosine, coverage, bigramCoverage, headingCoverage, titleMatch, bm25 };
}

/**
 * How far the asked question and a stored one are the same question: the IDF-weighted share of words they
 * share, the smaller of the two directions, squared so that sharing only the template ("啥时候种") counts
 * little and sharing the subject too ("大豆啥时候种") counts a lot.
 */
function questionOverlap(q: QueryTerms, stored: string[]): number {
  const storedSet = new Set(stored);
  if (!q.distinct.length || !storedSet.size) return 0;
  let asked = 0;
  let shared = 0;
  for (const t of q.distinct) {
    const w = q.idf.get(t) ?? 0;
    asked += w;
    if (storedSet.has(t)) shared += w;
  }
  let storedWeight = 0;
  for (const t of storedSet) storedWeight += q.idf.get(t) ?? 8;
  const overlap = Math.min(asked ? shared / asked : 0, storedWeight ? shared / storedWeight : 0);
  return overlap * overlap;
}
