// The intent classifier: complement naive Bayes over words (jieba), character 1–3-grams and the slots a
// question fills, with a temperature that turns its scores into probabilities that mean something (fitted
// by cross-validation in scripts/intents/fit.ts). Written here rather than taken from npm: the maintained
// classifiers there are dense (ml-logistic-regression: 20k features × rows of doubles) or tokenise for
// English (natural, bayes), and we need our own Chinese features and a small, diffable JSON model.
// No IO: the model is fitted by `npm run intents:fit` into seeds/intents/model.json and read at start.
import type { Slots } from './slots.ts';

export interface IntentModel {
  version: 1;
  classes: string[];
  /** Laplace smoothing added to every feature count */
  alpha: number;
  /** divides the log posterior before the softmax (fitted: NB is overconfident) */
  temperature: number;
  /** log prior per class */
  logPrior: number[];
  /** total feature weight seen per class */
  totals: number[];
  /** feature → weight seen per class */
  counts: Record<string, number[]>;
}

export interface Prediction {
  intent: string;
  probability: number;
  /** every class's probability, best first */
  ranked: { intent: string; probability: number }[];
}

const MEANINGFUL = /[\p{Script=Han}\p{L}\p{N}]/u;
/** Single characters say little on their own (寄 in 寄生虫): they count, but less than a bigram or a word. */
const UNIGRAM_WEIGHT = 0.3;
/** Slots that say what a question is about (a market is only known from the price table, so it is left out). */
/** the most any one feature counts in a question */
const MAX_WEIGHT = 2;
const SLOT_FEATURES = ['commodity', 'county', 'town', 'village', 'date', 'quantity'] as const;

/**
 * The features of a question with their weights: jieba words of two or more characters, character bigrams
 * and trigrams (punctuation and spaces removed, digits folded to 0), character unigrams at a lower weight,
 * and one feature per filled slot (#commodity, #county, …).
 */
export function features(text: string, words: readonly string[], slots: Slots): Map<string, number> {
  const out = new Map<string, number>();
  const add = (f: string, w: number) => out.set(f, (out.get(f) ?? 0) + w);
  const chars = [...text.toLowerCase().replace(/\d+(\.\d+)?/g, '0')].filter((c) => MEANINGFUL.test(c));
  for (let i = 0; i < chars.length; i++) {
    add(`c:${chars[i]}`, UNIGRAM_WEIGHT);
    if (i + 1 < chars.length) add(`b:${chars[i]}${chars[i + 1]}`, 1);
    if (i + 2 < chars.length) add(`t:${chars[i]}${chars[i + 1]}${chars[i + 2]}`, 1);
  }
  for (const w of words) {
    const word = w.trim().toLowerCase();
    if ([...word].length >= 2 && MEANINGFUL.test(word)) add(`w:${word}`, 1);
  }
  for (const slot of SLOT_FEATURES) if (slots[slot]) add(`#${slot}`, 1);
  // A repeated n-gram ("aaaa…", a sentence pasted ten times) says what the question is about once, not ten times.
  for (const [f, w] of out) if (w > MAX_WEIGHT) out.set(f, MAX_WEIGHT);
  return out;
}

export interface Example {
  intent: string;
  features: Map<string, number>;
}

/** Fit the counts (deterministic: classes sorted, features in insertion order of sorted examples). */
export function fitNaiveBayes(examples: readonly Example[], alpha: number, temperature = 1): IntentModel {
  const classes = [...new Set(examples.map((e) => e.intent))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const counts: Record<string, number[]> = {};
  const totals = classes.map(() => 0);
  const docs = classes.map(() => 0);
  for (const e of examples) {
    const k = index.get(e.intent)!;
    docs[k]++;
    for (const [f, w] of e.features) {
      (counts[f] ??= classes.map(() => 0))[k] += w;
      totals[k] += w;
    }
  }
  // The prior is flattened (square root of the class share): the training set's balance is ours, not the farmers'.
  const prior = docs.map((n) => Math.sqrt(n));
  const z = prior.reduce((a, b) => a + b, 0);
  return { version: 1, classes, alpha, temperature, logPrior: prior.map((p) => Math.log(p / z)), totals, counts };
}

const vocabularies = new WeakMap<IntentModel, { size: number; total: number }>();

/**
 * The score of every class, complement naive Bayes (Rennie et al. 2003): a class is scored by how unlike
 * the other classes' questions the question is. Plain multinomial NB favours small classes on unseen
 * words (their smoothed probabilities are larger); the complements are all large, so that bias is gone.
 */
function scores(model: IntentModel, feats: Map<string, number>): number[] {
  let v = vocabularies.get(model);
  if (!v) {
    v = { size: Object.keys(model.counts).length, total: model.totals.reduce((a, b) => a + b, 0) };
    vocabularies.set(model, v);
  }
  const s = [...model.logPrior];
  for (const [f, w] of feats) {
    const row = model.counts[f];
    if (!row) continue; // a feature never seen says nothing about any class
    const rowTotal = row.reduce((a, b) => a + b, 0);
    for (let k = 0; k < s.length; k++) {
      s[k] -= w * Math.log((rowTotal - row[k] + model.alpha) / (v.total - model.totals[k] + model.alpha * v.size));
    }
  }
  return s;
}

export function predict(model: IntentModel, feats: Map<string, number>): Prediction {
  const s = scores(model, feats).map((x) => x / model.temperature);
  const max = Math.max(...s);
  const exp = s.map((x) => Math.exp(x - max));
  const z = exp.reduce((a, b) => a + b, 0);
  const ranked = model.classes.map((intent, k) => ({ intent, probability: exp[k] / z })).sort((a, b) => b.probability - a.probability);
  return { intent: ranked[0].intent, probability: ranked[0].probability, ranked };
}

/** The classes whose questions the knowledge skill answers (it also tells farming from the clearly off-topic). */
export const KNOWLEDGE_CLASSES: ReadonlySet<string> = new Set(['agronomy', 'policy', 'other']);
/**
 * Below this probability a skill of its own (price, labor, programme…) is not trusted with the question:
 * it goes to the knowledge skill, which answers, hands it to an expert or says it is out of scope. Chosen on
 * the held-out tune half (`npm run eval:intents -- --half tune`): the misses there sat below 0.35.
 */
export const MIN_SKILL_PROBABILITY = 0.35;

/** The class a prediction decides: its best class, or `other` when that is a skill's class and unsure. */
export function decided(p: Prediction): string {
  return KNOWLEDGE_CLASSES.has(p.intent) || p.probability >= MIN_SKILL_PROBABILITY ? p.intent : 'other';
}

/** Check a model read from disk, so a broken file fails at start with a message, not at the first question. */
export function checkModel(value: unknown, file: string): IntentModel {
  const m = value as Partial<IntentModel> | null;
  const ok = m && m.version === 1 && Array.isArray(m.classes) && m.classes.length > 1 && typeof m.alpha === 'number'
    && typeof m.temperature === 'number' && m.temperature > 0 && Array.isArray(m.logPrior) && m.logPrior.length === m.classes.length
    && Array.isArray(m.totals) && m.totals.length === m.classes.length && m.counts && typeof m.counts === 'object';
  if (!ok) throw new Error(`${file} 不是可用的意图模型：请运行 npm run intents:fit 重新生成`);
  return m as IntentModel;
}
