import { createRequire } from 'node:module';

/** The question's words and character bigrams, each with its IDF weight. */
export interface QueryTerms {
  distinct: string[];
  idf: Map<string, number>;
  /** Okapi IDF from this knowledge base's own term counts, for BM25 */
  corpusIdf?: Map<string, number>;
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
  /** term frequencies over the indexed text (title, headings and content) */
  termFrequencies: Map<string, number>;
  /** term frequencies in the title and headings alone (counted again with BM25.headingWeight) */
  headingTermFrequencies?: Map<string, number>;
  /** the tokens of the chunk's own headings (not the document title; a Q&A pair's question is one) */
  sectionTokens?: Set<string>;
  /** length in index tokens, and the corpus's average (kb_corpus_stats) */
  length: number;
  averageLength: number;
  /** length in characters, and the corpus's average, for the bigram BM25 */
  charLength?: number;
  averageCharLength?: number;
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
  /** BM25F over the question's words, title and headings weighted up, normalised to 0..1 */
  bm25: number;
  /** the same over the question's character bigrams */
  bigramBm25: number;
  /** every term of the score, unweighted: score = Σ weight × feature (+ the reviewed bonus) */
  features: RankFeatures;
}

/** BM25F: k1, b, and how many times a word in the title or a heading counts (the body counts once). */
export const BM25 = { k1: 1.2, b: 0.75, headingWeight: 2, shortFloor: 0 };

/** The score's terms (scoreCandidate's features), each with its weight in ranker.json. */
export const RANK_FEATURES = [
  'coverage', 'bigramCoverage', 'cosine', 'bm25', 'bigramBm25', 'headingCoverage', 'sectionCoverage', 'titleMatch',
  'answerKind', 'subjectMissing',
] as const;
export type RankFeatureName = (typeof RANK_FEATURES)[number];
export type RankFeatures = Record<RankFeatureName, number>;

export interface Ranker {
  weights: RankFeatures;
  /** the weights `npm run ranker:fit` refits on the dev set's tune split (the others are set by hand) */
  fitted: RankFeatureName[];
  fittedOn: Record<string, number>;
  /** Recall@1 and MRR on the tune split with these weights, as the fit measured them */
  tune: { recallAt1: number; mrr: number };
}

export const RANKER = createRequire(import.meta.url)('./ranker.json') as Ranker;
for (const f of RANK_FEATURES) {
  if (typeof RANKER.weights[f] !== 'number') throw new Error(`ranker.json has no weight for ${f}: run \`npm run ranker:fit\``);
}

/** The score's weights (src/knowledge/ranker.json). */
export const WEIGHTS: RankFeatures = RANKER.weights;

/**
 * Signals a person can read: the share of the question's specific words (IDF-weighted) the passage
 * contains, the same for character bigrams (robust to segmentation), and the embedding cosine.
 * A small BM25 term rewards repeated specific words.
 */
export function scoreCandidate(q: QueryTerms, c: CandidateFeatures): CandidateSignals {
  let total = 0;
  let covered = 0;
  let inHeadings = 0;
  let inSection = 0;
  let bm25 = 0;
  let bm25Max = 0;
  const { k1: K1, b: B, headingWeight, shortFloor } = BM25;
  const norm = lengthNorm(c.length, c.averageLength || c.length || 1, B, shortFloor);
  for (const term of q.distinct) {
    const idf = q.idf.get(term) ?? 0;
    total += idf;
    if (c.headings.includes(term)) inHeadings += idf;
    if (c.sectionTokens?.has(term)) inSection += idf;
    const tf = c.termFrequencies.get(term) ?? 0;
    if (tf > 0) covered += idf;
    const w = q.corpusIdf?.get(term) ?? idf;
    bm25Max += w;
    const inHead = c.headingTermFrequencies?.get(term) ?? 0;
    const ftf = fieldTf(Math.max(0, tf - inHead), inHead, norm, headingWeight);
    if (ftf > 0) bm25 += (w * ftf) / (ftf + K1);
  }
  let bigramTotal = 0;
  let bigramCovered = 0;
  let bigramBm25 = 0;
  const charNorm = lengthNorm(c.charLength ?? c.text.length, c.averageCharLength || c.text.length || 1, B, shortFloor);
  for (const [gram, idf] of q.bigrams) {
    bigramTotal += idf;
    const tf = occurrences(c.text, gram);
    if (tf === 0) continue;
    bigramCovered += idf;
    const inHead = occurrences(c.headings, gram);
    const ftf = fieldTf(Math.max(0, tf - inHead), inHead, charNorm, headingWeight);
    bigramBm25 += (idf * ftf) / (ftf + K1);
  }
  const coverage = total ? covered / total : 0;
  const headingCoverage = total ? inHeadings / total : 0;
  // Of a document's sections, the one whose own heading says what was asked ("农药中毒急救：第一步打120" for
  // "农药中毒了咋急救") is the one to answer from, though a longer section matches its words less densely.
  const sectionCoverage = total ? inSection / total : 0;
  const bigramCoverage = bigramTotal ? bigramCovered / bigramTotal : coverage;
  const cosine = Math.max(0, c.cosine);
  const titleMatch = c.questionTokens ? questionOverlap(q, c.questionTokens) : 0;
  // A passage of the kind asked for (a treatment for "咋治", a time for "啥时候") beats one that only names the pest.
  const answerKind = q.wants && ANSWERS[q.wants].test(c.text) ? 1 : 0;
  // The question's most specific word is its subject ("大豆" in "大豆啥时候种"): a passage without it is about
  // something else, however well the rest of the wording fits.
  const subjectMissing = q.subject && q.distinct.length > 1 && !q.subject.some((s) => c.text.includes(s)) ? 1 : 0;
  const features: RankFeatures = {
    coverage, bigramCoverage, cosine,
    bm25: bm25Max ? bm25 / bm25Max : 0,
    bigramBm25: bigramTotal ? bigramBm25 / bigramTotal : 0,
    headingCoverage, sectionCoverage, titleMatch, answerKind, subjectMissing,
  };
  return {
    score: weighted(features), cosine, coverage, bigramCoverage, headingCoverage, titleMatch,
    bm25: features.bm25, bigramBm25: features.bigramBm25, features,
  };
}

/** Σ weight × feature. */
export function weighted(features: RankFeatures, weights: RankFeatures = WEIGHTS): number {
  let score = 0;
  for (const k of RANK_FEATURES) score += weights[k] * features[k];
  return score;
}

/**
 * BM25F's pseudo term frequency: the body's count normalised by the chunk's length, plus the title's and
 * headings' count weighted up and not length-normalised (a short chunk under a matching heading gains
 * nothing from being short: the heading is all it matches).
 */
function fieldTf(body: number, heading: number, norm: number, headingWeight: number): number {
  return body / norm + headingWeight * heading;
}

function lengthNorm(length: number, average: number, b: number, shortFloor: number): number {
  return 1 - b + (b * Math.max(length, average * shortFloor)) / average;
}

function occurrences(text: string, gram: string): number {
  let n = 0;
  for (let i = text.indexOf(gram); i !== -1; i = text.indexOf(gram, i + gram.length)) n++;
  return n;
}

/**
 * How far the asked question and a stored one are the same question: the IDF-weighted share of words they
 * share, the smaller of the two directions, squared so that sharing only the template ("啥时候种") counts
 * little and sharing the subject too ("大豆啥时候种") counts a lot.
 */
function questionOverlap(q: QueryTerms, stored: string[]): number {
  // Whole words only: search mode also yields the pieces of a longer word ("扶起来" → 扶起, 起来), and a
  // stored "要不要扶" should not lose three words to one.
  const asked = wholeWords(q.distinct);
  const storedSet = new Set(wholeWords(stored));
  if (!asked.length || !storedSet.size) return 0;
  let askedWeight = 0;
  let shared = 0;
  for (const t of asked) {
    const w = q.idf.get(t) ?? 0;
    askedWeight += w;
    if (storedSet.has(t)) shared += w;
  }
  let storedWeight = 0;
  for (const t of storedSet) storedWeight += q.idf.get(t) ?? 8;
  const overlap = Math.min(askedWeight ? shared / askedWeight : 0, storedWeight ? shared / storedWeight : 0);
  return overlap * overlap;
}

function wholeWords(tokens: string[]): string[] {
  const distinct = [...new Set(tokens)];
  return distinct.filter((t) => !distinct.some((u) => u !== t && u.length > t.length && u.includes(t)));
}
